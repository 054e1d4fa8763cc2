package dev.loci.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.langchain4j.ChatMessages.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** How a window handed to the store is split into what is stored already and what is new. */
class StoredPrefixTest {
    @Test
    void aWindowHandedAgainHoldsNothingNew() {
        assertEquals(3, LociChatMemoryStore.storedPrefix(turns("a b c"), turns("a b c")));
    }

    @Test
    void whatFollowsTheStoredTailIsNew() {
        assertEquals(2, LociChatMemoryStore.storedPrefix(turns("x a b"), turns("a b c d")));
    }

    @Test
    void aMessageRepeatedRightAfterItselfIsNewAgain() {
        assertEquals(2, LociChatMemoryStore.storedPrefix(turns("q ok"), turns("q ok ok")));
        assertEquals(3, LociChatMemoryStore.storedPrefix(turns("q ok ok"), turns("q ok ok")));
        assertEquals(1, LociChatMemoryStore.storedPrefix(turns("x a"), turns("a a")));
    }

    @Test
    void nothingStoredOrNothingMatchingMeansAllIsNew() {
        assertEquals(0, LociChatMemoryStore.storedPrefix(List.of(), turns("a b")));
        assertEquals(0, LociChatMemoryStore.storedPrefix(turns("x y"), turns("a b")));
    }

    @Test
    void aForgottenMessageInTheTailStillLinesUpOnTheNewest() {
        // b was forgotten: the stored tail reads "a c", the window still holds b
        assertEquals(3, LociChatMemoryStore.storedPrefix(turns("a c"), turns("a b c d")));
    }

    @Test
    void aWindowReadBeforeAnotherCallStoredMoreAddsOnlyItsOwnNewMessage() {
        // two messages sent at once: both windows were built on "a b"; the other one's "c" is stored first
        assertEquals(2, LociChatMemoryStore.storedPrefix(turns("a b c"), turns("a b d")));
        // a late retry of an older window: all of it is stored
        assertEquals(3, LociChatMemoryStore.storedPrefix(turns("a b c d e"), turns("a b c")));
    }

    @Test
    void theSameTextInAnotherRoleIsAnotherMessage() {
        List<Turn> stored = List.of(new Turn("user", null, "hi"));
        List<Turn> window = List.of(new Turn("user", null, "hi"), new Turn("assistant", null, "hi"));
        assertEquals(1, LociChatMemoryStore.storedPrefix(stored, window));
    }

    /**
     * A conversation over a small vocabulary (so repeats are frequent) fed through a sliding window
     * of random size: storing what each split calls new reproduces the conversation exactly. Left
     * out: the one window that cannot be told from a re-sent one, where each of the window's
     * messages repeats the one before it.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void slidingWindowsRebuildTheConversationExactly(long seed) {
        Random random = new Random(seed);
        List<Turn> said = new ArrayList<>();
        List<Turn> stored = new ArrayList<>();
        int capacity = 2 + random.nextInt(6);
        while (said.size() < 60) {
            Turn next = new Turn(random.nextBoolean() ? "user" : "assistant", null, "w" + random.nextInt(3));
            if (said.size() >= capacity && said.subList(said.size() - capacity, said.size()).stream()
                    .allMatch(t -> t.equals(next))) {
                continue;
            }
            said.add(next);
            List<Turn> window = said.subList(Math.max(0, said.size() - capacity), said.size());
            List<Turn> tail = stored.subList(Math.max(0, stored.size() - window.size()), stored.size());
            int cut = LociChatMemoryStore.storedPrefix(List.copyOf(tail), List.copyOf(window));
            stored.addAll(window.subList(cut, window.size()));
            if (random.nextInt(4) == 0) { // the same window handed again
                tail = stored.subList(Math.max(0, stored.size() - window.size()), stored.size());
                cut = LociChatMemoryStore.storedPrefix(List.copyOf(tail), List.copyOf(window));
                stored.addAll(window.subList(cut, window.size()));
            }
        }
        assertEquals(said, stored);
    }

    private static List<Turn> turns(String words) {
        return java.util.Arrays.stream(words.split(" ")).map(w -> new Turn("user", null, w)).toList();
    }
}
