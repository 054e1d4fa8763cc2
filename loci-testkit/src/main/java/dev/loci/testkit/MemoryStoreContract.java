package dev.loci.testkit;

import static dev.loci.testkit.TestMemories.stored;
import static dev.loci.testkit.TestMemories.turn;
import static dev.loci.testkit.TestMemories.withKindAndMeta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.TimeRange;
import dev.loci.UserSummary;
import dev.loci.spi.AccessRecording;
import dev.loci.spi.Compactable;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.NewestFirstListing;
import dev.loci.spi.UserListing;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoredMemory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link MemoryStore} must show. An adapter's test extends this class and
 * says how to open its store on a directory. Checks that need what not every store has are
 * skipped (JUnit assumptions, reported as skipped, never as passed) for a store without it: the
 * reopen checks for a store that is not {@link #durable()}, the {@link AccessRecording} and
 * {@link Compactable} and {@link NewestFirstListing} checks for a store that does not implement them.
 *
 * <p>Design note: one class of some 650 lines, on purpose. An adapter extends one suite and gets
 * every check, the optional capabilities included, so no capability's checks can be forgotten by
 * a new store; the tests share the store under test and a few helpers, and read top to bottom as
 * the store's specification (writes and reads, scoping, deletion, durability, listing, recall
 * counts, compaction).
 */
public abstract class MemoryStoreContract {
    protected static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    protected final HashingEmbedder embedder = new HashingEmbedder(64);

    @TempDir
    protected Path dir;
    protected MemoryStore store;

    /** Opens (or reopens) the store kept in {@code dir}. */
    protected abstract MemoryStore open(Path dir);

    /** Whether the store keeps its data across close and reopen. */
    protected boolean durable() {
        return true;
    }

    /**
     * Whether {@link MemoryStore#list} shows recorded accesses as soon as
     * {@link AccessRecording#recordAccess} returns (gets always must); a store that publishes them
     * with its next refresh says false, and the listing is then checked to show them within 5 s.
     */
    protected boolean accessesListedAtOnce() {
        return true;
    }

    /**
     * Whether BM25 weighs a word by how rare it is among the memories a search ranges over (its filter),
     * rather than in all the store holds; a store that keeps statistics per shard says false, and says why.
     */
    protected boolean weighsWordsAmongTheMemoriesSearched() {
        return true;
    }

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected void reopen() {
        store.close();
        store = open(dir);
    }

    /** Skips the calling test unless the store keeps its data across close and reopen. */
    protected void assumeDurable() {
        assumeTrue(durable(), "the store is not durable");
    }

    /** The store as {@link AccessRecording}; skips the calling test if it is not one. */
    protected AccessRecording accessRecording() {
        assumeTrue(store instanceof AccessRecording, "the store does not implement AccessRecording");
        return (AccessRecording) store;
    }

    /** The store as {@link Compactable}; skips the calling test if it is not one. */
    protected Compactable compactable() {
        assumeTrue(store instanceof Compactable, "the store does not implement Compactable");
        return (Compactable) store;
    }

    private StoredMemory s(Memory m) {
        return stored(m, embedder);
    }

    private SearchHits search(Scope scope, String text, int n) {
        return store.search(new SearchRequest(SearchFilter.of(scope), text, embedder.embedQuery(text), n, n));
    }

    private static List<String> ids(List<StoreHit> hits) {
        return hits.stream().map(StoreHit::id).toList();
    }

    @Test
    void writtenMemoryComesBackWhole() {
        var scope = new Scope("t1", "u1", "a1", "s1");
        Memory m = withKindAndMeta(turn("m1", scope, "Anna", "Anna adopted a cat named Pixel", T0),
                Kind.TURN, Map.of("channel", "chat"));
        store.write(List.of(s(m)));
        assertEquals(m, store.get("t1", "m1").orElseThrow());
    }

    @Test
    void severalMemoriesAreReadByIdAtOnceWithinTheirTenant() {
        Memory a = turn("m1", Scope.user("t1", "u1"), "Anna", "first", T0);
        Memory b = turn("m2", Scope.user("t1", "u2"), "Ben", "second", T0.plusSeconds(1));
        store.write(List.of(s(a), s(b), s(turn("m3", Scope.user("t2", "u1"), "Cleo", "elsewhere", T0))));
        assertEquals(Map.of("m1", a, "m2", b), store.getAll("t1", List.of("m2", "m1", "m3", "missing", "m1")));
        assertEquals(Map.of(), store.getAll("t1", List.of()));
    }

    @Test
    void otherTenantNeverSeesIt() {
        store.write(List.of(s(turn("m1", Scope.user("t1", "u1"), "Anna", "secret plans for Lisbon", T0))));
        assertTrue(store.get("t2", "m1").isEmpty(), "get by id across tenants");
        assertFalse(store.delete("t2", "m1"), "delete across tenants");
        assertTrue(store.get("t1", "m1").isPresent(), "still there after foreign delete");
        SearchHits hits = search(Scope.tenant("t2"), "secret plans Lisbon", 10);
        assertTrue(hits.lexical().isEmpty() && hits.dense().isEmpty(), "search across tenants");
    }

    @Test
    void writingAnIdAgainReplacesIt() {
        var scope = Scope.user("t1", "u1");
        store.write(List.of(s(turn("m1", scope, "Anna", "first text", T0))));
        store.write(List.of(s(turn("m1", scope, "Anna", "second text", T0))));
        assertEquals("second text", store.get("t1", "m1").orElseThrow().text());
        assertEquals(1, search(scope, "text", 10).lexical().size());
        assertEquals(1, store.stats().memories());
    }

    @Test
    void deletedIsGoneFromGetAndSearch() {
        var scope = Scope.user("t1", "u1");
        store.write(List.of(s(turn("m1", scope, "Anna", "the blue bicycle", T0)),
                s(turn("m2", scope, "Ben", "a red car", T0))));
        assertTrue(store.delete("t1", "m1"));
        assertFalse(store.delete("t1", "m1"));
        assertTrue(store.get("t1", "m1").isEmpty());
        SearchHits hits = search(scope, "blue bicycle", 10);
        assertFalse(ids(hits.lexical()).contains("m1"));
        assertFalse(ids(hits.dense()).contains("m1"));
        assertEquals(1, store.stats().memories());
    }

    @Test
    void existingSeesEveryReturnedWriteAndDelete() {
        var scope = Scope.user("t1", "u1");
        store.write(List.of(s(turn("m1", scope, "Anna", "the blue bicycle", T0))));
        assertEquals(Set.of("m1"), store.existing("t1", List.of("m1", "m2")), "first write, no read in between");
        store.write(List.of(s(turn("m2", scope, "Ben", "a red car", T0))));
        assertEquals(Set.of("m1", "m2"), store.existing("t1", List.of("m1", "m2", "m3")));
        assertEquals(Set.of(), store.existing("t2", List.of("m1", "m2")), "never across tenants");
        search(scope, "bicycle", 10); // a read makes the writes searchable; the answer must not change
        assertEquals(Set.of("m1", "m2"), store.existing("t1", List.of("m1", "m2", "m3")));
        assertTrue(store.delete("t1", "m1"));
        assertEquals(Set.of("m2"), store.existing("t1", List.of("m1", "m2")), "a delete, no read in between");
        store.write(List.of(s(turn("m1", scope, "Anna", "back again", T0))));
        assertEquals(Set.of("m1", "m2"), store.existing("t1", List.of("m1", "m2")), "written again after a delete");
    }

    @Test
    void existingSeesWritesAndDeletesAfterReopen() {
        assumeDurable();
        var scope = Scope.user("t1", "u1");
        store.write(List.of(s(turn("m1", scope, "Anna", "the blue bicycle", T0)),
                s(turn("m2", scope, "Ben", "a red car", T0))));
        assertTrue(store.delete("t1", "m1"));
        store.write(List.of(s(turn("m1", scope, "Anna", "back again", T0))));
        reopen();
        assertEquals(Set.of("m1", "m2"), store.existing("t1", List.of("m1", "m2", "m3")), "after reopen");
    }

    @Test
    void lexicalAndDenseRankTheMatchFirst() {
        var scope = Scope.user("t1", "u1");
        var batch = new ArrayList<StoredMemory>();
        batch.add(s(turn("target", scope, "Anna", "I started learning the violin last month", T0)));
        for (int i = 0; i < 30; i++) {
            batch.add(s(turn("other" + i, scope, "Ben", "we talked about football match number " + i, T0)));
        }
        store.write(batch);
        SearchHits hits = search(scope, "learning violin", 5);
        assertEquals("target", hits.lexical().get(0).id());
        assertEquals("target", hits.dense().get(0).id());
        assertTrue(hits.dense().size() <= 5 && hits.lexical().size() <= 5, "topN respected");
        for (int i = 1; i < hits.dense().size(); i++) {
            assertTrue(hits.dense().get(i - 1).score() >= hits.dense().get(i).score(), "dense sorted");
        }
    }

    @Test
    void aWordIsWeighedByHowRareItIsAmongTheMemoriesSearched() {
        assumeTrue(weighsWordsAmongTheMemoriesSearched(), "the store weighs words over more than the memories searched");
        var anna = Scope.user("t1", "anna");
        var batch = new ArrayList<StoredMemory>();
        // a word in most of Anna's turns and in no one else's, and one in a single turn of hers and many of Ben's
        for (int i = 0; i < 9; i++) {
            batch.add(s(turn("zebra" + i, anna, null, "the zebra crossing on street " + i, T0)));
        }
        batch.add(s(turn("apple", anna, null, "an apple from the market", T0)));
        var ben = Scope.user("t1", "ben");
        for (int i = 0; i < 100; i++) {
            batch.add(s(turn("ben" + i, ben, null, "apple pie recipe number " + i, T0)));
        }
        store.write(batch);
        // among Anna's memories "apple" is the rare word; over the whole store, "zebra" would be
        assertEquals("apple", search(anna, "zebra apple", 10).lexical().get(0).id());
        assertEquals(10, search(anna, "zebra apple", 20).lexical().size(), "only Anna's memories");
    }

    @Test
    void filtersApplyToBothSignals() {
        var u1 = new Scope("t1", "u1", null, "s1");
        var u1s2 = new Scope("t1", "u1", null, "s2");
        var u2 = new Scope("t1", "u2", null, "s1");
        store.write(List.of(
                s(turn("a", u1, "Anna", "hiking in the alps", T0)),
                s(turn("b", u1s2, "Anna", "hiking in the andes", T0.plusSeconds(86_400))),
                s(withKindAndMeta(turn("c", u1, "Anna", "hiking notes", T0), Kind.FACT, Map.of("src", "doc"))),
                s(turn("d", u2, "Ben", "hiking in the alps too", T0))));
        assertEquals(Set.of("a", "b", "c"), both(new SearchFilter(Scope.user("t1", "u1"), Set.of(), null, Map.of())));
        assertEquals(Set.of("a", "c"), both(new SearchFilter(u1, Set.of(), null, Map.of())));
        assertEquals(Set.of("c"), both(new SearchFilter(Scope.user("t1", "u1"), Set.of(Kind.FACT), null, Map.of())));
        assertEquals(Set.of("c"), both(new SearchFilter(Scope.tenant("t1"), Set.of(), null, Map.of("src", "doc"))));
        assertEquals(Set.of("b"), both(new SearchFilter(Scope.user("t1", "u1"), Set.of(),
                new TimeRange(T0.plusSeconds(3600), null), Map.of())));
        assertEquals(Set.of("a", "c", "d"), both(new SearchFilter(Scope.tenant("t1"), Set.of(),
                new TimeRange(null, T0.plusSeconds(1)), Map.of())));
    }

    @Test
    void visibleAtHidesWhatWasNotYetRecordedClosedOrExpired() {
        var u = Scope.user("t1", "u1");
        Memory plain = turn("plain", u, "Anna", "hiking plain", T0);
        Memory closed = Memory.builder().id("closed").scope(u).kind(Kind.FACT).text("hiking closed").speaker("Anna")
                .occurredAt(T0).recordedAt(T0).validTo(T0.plusSeconds(100)).build();
        Memory later = Memory.builder().id("later").scope(u).kind(Kind.FACT).text("hiking recorded later")
                .speaker("Anna").occurredAt(T0).recordedAt(T0.plusSeconds(50)).validFrom(T0).build();
        Memory expiring = turn("expiring", u, "Anna", "hiking expiring", T0)
                .withLifecycle(Lifecycle.NONE.withExpiresAt(T0.plusSeconds(200)));
        Memory future = Memory.builder().id("future").scope(u).kind(Kind.FACT).text("hiking next year").speaker("Anna")
                .occurredAt(T0.plusSeconds(10_000)).recordedAt(T0).build();
        store.write(List.of(s(plain), s(closed), s(later), s(expiring), s(future)));
        var all = SearchFilter.of(u);
        assertEquals(Set.of("plain", "closed", "later", "expiring", "future"), both(all));
        assertEquals(Set.of("plain", "closed", "expiring", "future"), both(all.visibleAt(T0)));
        assertEquals(Set.of("plain", "closed", "later", "expiring", "future"), both(all.visibleAt(T0.plusSeconds(50))));
        assertEquals(Set.of("plain", "later", "expiring", "future"), both(all.visibleAt(T0.plusSeconds(100))));
        assertEquals(Set.of("plain", "later", "future"), both(all.visibleAt(T0.plusSeconds(200))));
        for (Memory m : List.of(plain, closed, later, expiring, future)) {
            for (long s : new long[] {0, 49, 50, 99, 100, 199, 200, 1_000_000}) {
                Instant t = T0.plusSeconds(s);
                assertEquals(m.visibleAt(t), both(all.visibleAt(t)).contains(m.id()), m.id() + " at +" + s + "s");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> store.deleteMatching(all.visibleAt(T0)),
                "deletes select by what is stored");
        assertEquals(5, store.count(all), "nothing was deleted by the refused call");
    }

    @Test
    void heldAtKeepsWhatHadHappenedAndWasNotClosedThenWheneverItWasRecorded() {
        var u = Scope.user("t1", "u1");
        Instant imported = T0.plusSeconds(1_000_000);
        Memory early = Memory.builder().id("early").scope(u).kind(Kind.TURN).text("hiking early").speaker("Anna")
                .occurredAt(T0).recordedAt(imported).build();
        Memory closed = Memory.builder().id("closed").scope(u).kind(Kind.FACT).text("hiking closed").speaker("Anna")
                .occurredAt(T0).recordedAt(imported).validTo(T0.plusSeconds(100)).build();
        Memory late = Memory.builder().id("late").scope(u).kind(Kind.TURN).text("hiking late").speaker("Anna")
                .occurredAt(T0.plusSeconds(150)).recordedAt(imported).build();
        Memory expiring = turn("expiring", u, "Anna", "hiking expiring", T0)
                .withLifecycle(Lifecycle.NONE.withExpiresAt(T0.plusSeconds(200)));
        store.write(List.of(s(early), s(closed), s(late), s(expiring)));
        var all = SearchFilter.of(u);
        assertEquals(Set.of("expiring"), both(all.visibleAt(T0.plusSeconds(50))),
                "as of then, nothing imported later was known");
        assertEquals(Set.of("early", "closed", "expiring"), both(all.heldAt(T0.plusSeconds(50))));
        assertEquals(Set.of("early", "late", "expiring"), both(all.heldAt(T0.plusSeconds(150))));
        assertEquals(Set.of("early", "late"), both(all.heldAt(T0.plusSeconds(200))));
        for (Memory m : List.of(early, closed, late, expiring)) {
            for (long s : new long[] {-1, 0, 99, 100, 149, 150, 199, 200, 2_000_000}) {
                Instant t = T0.plusSeconds(s);
                assertEquals(m.heldAt(t), both(all.heldAt(t)).contains(m.id()), m.id() + " at +" + s + "s");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> store.deleteMatching(all.heldAt(T0)),
                "deletes select by what is stored");
        assertEquals(4, store.count(all), "nothing was deleted by the refused call");
    }

    @Test
    void lifecycleRoundTrips() {
        var u = Scope.user("t1", "u1");
        var life = new Lifecycle(3, T0.plusSeconds(5), T0.plusSeconds(3600), true, "older", null);
        Memory m = turn("m", u, "Anna", "a pinned memory", T0).withLifecycle(life);
        store.write(List.of(s(m)));
        assertEquals(m, store.get("t1", "m").orElseThrow());
    }

    @Test
    void lifecycleSurvivesReopen() {
        assumeDurable();
        var life = new Lifecycle(3, T0.plusSeconds(5), T0.plusSeconds(3600), true, "older", null);
        Memory m = turn("m", Scope.user("t1", "u1"), "Anna", "a pinned memory", T0).withLifecycle(life);
        store.write(List.of(s(m)));
        reopen();
        assertEquals(m, store.get("t1", "m").orElseThrow(), "after reopening");
    }

    private Set<String> both(SearchFilter filter) {
        return both(filter, "hiking");
    }

    private Set<String> both(SearchFilter filter, String query) {
        SearchHits hits = store.search(new SearchRequest(filter, query, embedder.embedQuery(query), 50, 50));
        Set<String> lexical = new HashSet<>(ids(hits.lexical()));
        Set<String> dense = new HashSet<>(ids(hits.dense()));
        assertEquals(lexical, dense, "lexical and dense must apply the same filter");
        return dense;
    }

    @Test
    void reopenGivesIdenticalResults() {
        assumeDurable();
        var scope = Scope.user("t1", "u1");
        var batch = new ArrayList<StoredMemory>();
        for (int i = 0; i < 200; i++) {
            batch.add(s(turn("m" + i, scope, i % 2 == 0 ? "Anna" : "Ben", "note " + i + " about topic " + (i % 7), T0)));
        }
        store.write(batch);
        store.delete("t1", "m3");
        SearchHits before = search(scope, "note about topic 3", 20);
        reopen();
        SearchHits after = search(scope, "note about topic 3", 20);
        assertEquals(ids(before.lexical()), ids(after.lexical()));
        assertEquals(ids(before.dense()), ids(after.dense()));
        assertEquals(199, store.stats().memories());
        assertTrue(store.get("t1", "m3").isEmpty());
    }

    @Test
    void deleteMatchingRemovesTheScopeAndNothingElse() {
        var s1 = new Scope("t1", "u1", null, "s1");
        var s2 = new Scope("t1", "u1", "a1", "s2");
        store.write(List.of(
                s(turn("a", s1, "Anna", "the violin lesson", T0)),
                s(turn("b", s2, "Anna", "the violin teacher", T0)),
                s(turn("c", Scope.user("t1", "u2"), "Ben", "the violin concert", T0)),
                s(turn("a", Scope.user("t2", "u1"), "Anna", "same id, other tenant: the violin", T0))));
        List<Memory> deleted = store.deleteMatching(SearchFilter.of(Scope.user("t1", "u1")));

        assertEquals(Set.of("a", "b"), idsOf(deleted), "every session and agent of the user");
        assertEquals(Set.of(), store.existing("t1", List.of("a", "b")), "existing agrees at once");
        assertTrue(store.get("t1", "a").isEmpty() && store.get("t1", "b").isEmpty(), "get agrees");
        assertEquals(0, store.count(SearchFilter.of(Scope.user("t1", "u1"))));
        assertEquals(Set.of("c"), both(SearchFilter.of(Scope.tenant("t1")), "violin"), "search agrees");
        assertEquals(Set.of("c"), store.existing("t1", List.of("a", "b", "c")), "the other user is untouched");
        assertEquals("same id, other tenant: the violin", store.get("t2", "a").orElseThrow().text(),
                "the other tenant is untouched");
        assertEquals(2, store.stats().memories());
        assertTrue(store.deleteMatching(SearchFilter.of(Scope.user("t1", "u1"))).isEmpty(), "nothing left to delete");
    }

    @Test
    void deleteMatchingHonoursKindsTimeAndMetadata() {
        var u1 = Scope.user("t1", "u1");
        store.write(List.of(
                s(turn("early", u1, "Anna", "hiking early", T0)),
                s(turn("late", u1, "Anna", "hiking late", T0.plusSeconds(86_400))),
                s(withKindAndMeta(turn("fact", u1, "Anna", "hiking fact", T0), Kind.FACT, Map.of("src", "doc"))),
                s(withKindAndMeta(turn("tagged", u1, "Anna", "hiking tagged", T0.plusSeconds(86_400)), Kind.TURN,
                        Map.of("src", "doc", "lang", "en")))));

        assertEquals(Set.of("fact"), idsOf(store.deleteMatching(new SearchFilter(u1, Set.of(Kind.FACT), null, Map.of()))));
        assertEquals(Set.of("tagged"), idsOf(store.deleteMatching(new SearchFilter(u1, Set.of(), null, Map.of("src", "doc")))));
        assertEquals(Set.of("early"), idsOf(store.deleteMatching(new SearchFilter(u1, Set.of(), new TimeRange(null,
                T0.plusSeconds(86_400)), Map.of()))), "the end of the range is excluded");
        assertEquals(Set.of("late"), both(SearchFilter.of(u1), "hiking"));
        assertEquals(1, store.count(SearchFilter.of(u1)));
    }

    @Test
    void countMatchesWhatDeleteMatchingWouldRemove() {
        var u1 = Scope.user("t1", "u1");
        store.write(List.of(s(turn("a", u1, "Anna", "one", T0)), s(turn("b", u1.withSession("s"), "Anna", "two", T0)),
                s(turn("c", Scope.user("t1", "u2"), "Ben", "three", T0))));
        assertEquals(2, store.count(SearchFilter.of(u1)), "no read in between");
        assertEquals(3, store.count(SearchFilter.of(Scope.tenant("t1"))));
        assertEquals(0, store.count(SearchFilter.of(Scope.tenant("t2"))));
        assertTrue(store.delete("t1", "a"));
        assertEquals(1, store.count(SearchFilter.of(u1)), "a delete, no read in between");
    }

    @Test
    void deleteMatchingIsDurable() {
        assumeDurable();
        var u1 = Scope.user("t1", "u1");
        store.write(List.of(s(turn("a", u1, "Anna", "the blue bicycle", T0)),
                s(turn("b", Scope.user("t1", "u2"), "Ben", "the red bicycle", T0))));
        assertEquals(1, store.deleteMatching(SearchFilter.of(u1)).size());
        store.write(List.of(s(turn("c", u1, "Anna", "written after the delete", T0))));
        reopen();
        assertTrue(store.get("t1", "a").isEmpty(), "still deleted after reopen");
        assertEquals(Set.of("b", "c"), store.existing("t1", List.of("a", "b", "c")));
        SearchHits hits = search(Scope.tenant("t1"), "bicycle", 10);
        assertEquals(List.of("b"), ids(hits.lexical()));
        assertFalse(ids(hits.dense()).contains("a"));
    }

    /** Seeded random memories and filters: deleteMatching removes exactly what the filter matches. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomizedDeleteMatchingAgreesWithTheFilter(long seed) {
        var random = new Random(seed);
        var live = new java.util.HashMap<String, Memory>();
        var batch = new ArrayList<StoredMemory>();
        for (int i = 0; i < 120; i++) {
            var scope = new Scope("t" + random.nextInt(2), "u" + random.nextInt(3), null,
                    random.nextBoolean() ? null : "s" + random.nextInt(2));
            Kind kind = random.nextInt(4) == 0 ? Kind.EPISODE : Kind.TURN;
            Map<String, String> meta = random.nextBoolean() ? Map.of() : Map.of("tag", "x" + random.nextInt(2));
            Memory m = withKindAndMeta(turn("m" + i, scope, "x", "note " + i, T0.plusSeconds(3600L * random.nextInt(48))),
                    kind, meta);
            live.put(m.scope().tenant() + "/" + m.id(), m);
            batch.add(s(m));
        }
        store.write(batch);
        for (int round = 0; round < 8; round++) {
            var scope = random.nextBoolean() ? Scope.user("t" + random.nextInt(2), "u" + random.nextInt(3))
                    : new Scope("t" + random.nextInt(2), "u" + random.nextInt(3), null, "s" + random.nextInt(2));
            var filter = new SearchFilter(scope, random.nextBoolean() ? Set.of() : Set.of(Kind.TURN),
                    random.nextBoolean() ? null : new TimeRange(T0.plusSeconds(3600L * random.nextInt(24)), null),
                    random.nextBoolean() ? Map.of() : Map.of("tag", "x" + random.nextInt(2)));
            Set<String> expected = new HashSet<>();
            live.values().stream().filter(filter::matches).forEach(m -> expected.add(m.id()));
            assertEquals(expected.size(), store.count(filter), "seed " + seed + " round " + round + " count");
            assertEquals(expected, idsOf(store.deleteMatching(filter)), "seed " + seed + " round " + round);
            live.values().removeIf(filter::matches);
            for (String tenant : List.of("t0", "t1")) {
                Set<String> ids = new HashSet<>();
                live.values().stream().filter(m -> m.scope().tenant().equals(tenant)).forEach(m -> ids.add(m.id()));
                var all = new ArrayList<String>();
                for (int i = 0; i < 120; i++) {
                    all.add("m" + i);
                }
                assertEquals(ids, store.existing(tenant, all), "seed " + seed + " round " + round + " " + tenant);
            }
        }
        assertEquals(live.size(), store.stats().memories());
    }

    @Test
    void listGivesTheFilteredMemoriesOldestFirst() {
        var u1 = Scope.user("t1", "u1");
        store.write(List.of(
                s(turn("late", u1.withSession("s1"), "Anna", "late", T0.plusSeconds(20))),
                s(withKindAndMeta(turn("topicB", u1, "Anna", "b", T0.plusSeconds(10)), Kind.TOPIC, Map.of())),
                s(withKindAndMeta(turn("topicA", u1, "Anna", "a", T0.plusSeconds(10)), Kind.TOPIC, Map.of())),
                s(withKindAndMeta(turn("early", u1, "Anna", "early", T0), Kind.TOPIC, Map.of())),
                s(withKindAndMeta(turn("other", Scope.user("t1", "u2"), "Ben", "x", T0), Kind.TOPIC, Map.of())),
                s(withKindAndMeta(turn("foreign", Scope.user("t2", "u1"), "Ann", "y", T0), Kind.TOPIC, Map.of()))));
        var topics = new SearchFilter(u1, Set.of(Kind.TOPIC), null, Map.of());
        assertEquals(List.of("early", "topicA", "topicB"), store.list(topics, 10).stream().map(Memory::id).toList(),
                "event time, then id; no other kind, user or tenant");
        assertEquals(List.of("early", "topicA"), store.list(topics, 2).stream().map(Memory::id).toList(), "limit");
        assertEquals(List.of("late"), store.list(SearchFilter.of(u1.withSession("s1")), 10).stream().map(Memory::id)
                .toList());
        assertTrue(store.delete("t1", "topicA"));
        assertEquals(List.of("early", "topicB"), store.list(topics, 10).stream().map(Memory::id).toList(),
                "a delete, no read in between");
        assertEquals(store.get("t1", "early").orElseThrow(), store.list(topics, 1).get(0), "whole records");
    }

    @Test
    void usersAreTheTenantsDistinctUsersInOrderFromACursor() {
        assumeTrue(store instanceof UserListing, "the store lists users");
        var listing = (UserListing) store;
        store.write(List.of(
                s(turn("m1", Scope.user("t1", "maya").withSession("s1"), "Maya", "a", T0)),
                s(turn("m2", Scope.user("t1", "maya"), "Maya", "b", T0.plusSeconds(1))),
                s(turn("b1", Scope.user("t1", "ben"), "Ben", "c", T0)),
                s(turn("z1", Scope.user("t1", "zoe"), "Zoe", "d", T0)),
                s(turn("a1", Scope.user("t1", "al"), "Al", "e", T0)),
                s(turn("n1", Scope.tenant("t1"), "Nobody", "f", T0)),
                s(turn("x1", Scope.user("t2", "anna"), "Anna", "g", T0))));
        assertEquals(List.of("al", "ben", "maya", "zoe"), userIds(listing.users("t1", null, 10, T0)),
                "each user once, in order; no user of another tenant, no memory without a user");
        assertEquals(List.of("al", "ben"), userIds(listing.users("t1", null, 2, T0)), "limit");
        assertEquals(List.of("maya", "zoe"), userIds(listing.users("t1", "ben", 10, T0)), "after a user");
        assertEquals(List.of("maya"), userIds(listing.users("t1", "bz", 1, T0)), "after a position between users");
        assertEquals(List.of(), listing.users("t1", "zoe", 10, T0), "nothing after the last");
        assertEquals(List.of("anna"), userIds(listing.users("t2", null, 10, T0)));
        assertEquals(List.of(), listing.users("t3", null, 10, T0), "a tenant with nothing");
        assertTrue(store.delete("t1", "z1"));
        assertEquals(List.of("al", "ben", "maya"), userIds(listing.users("t1", null, 10, T0)),
                "a deleted user's last memory");
    }

    /**
     * Each user's counts by kind are the store's own counts (every version, expired ones not yet
     * swept), and its last activity is the newest memory a read at the given moment sees.
     */
    @Test
    void usersCountTheirMemoriesByKindAndSayWhenTheNewestVisibleOneHappened() {
        assumeTrue(store instanceof UserListing, "the store lists users");
        var listing = (UserListing) store;
        var maya = Scope.user("t1", "maya");
        Memory closed = Memory.builder().id("closed").scope(maya).kind(Kind.FACT).text("lives in Boston")
                .speaker("Maya").occurredAt(T0.plusSeconds(40)).recordedAt(T0).validTo(T0.plusSeconds(100)).build();
        Memory later = Memory.builder().id("later").scope(maya).kind(Kind.FACT).text("lives in Denver")
                .speaker("Maya").occurredAt(T0.plusSeconds(30)).recordedAt(T0.plusSeconds(100)).validFrom(T0).build();
        Memory expiring = turn("expiring", maya.withSession("s2"), "Maya", "back soon", T0.plusSeconds(50))
                .withLifecycle(Lifecycle.NONE.withExpiresAt(T0.plusSeconds(200)));
        store.write(List.of(s(turn("turn1", maya.withSession("s1"), "Maya", "a", T0)),
                s(turn("turn2", maya.withSession("s1"), "Maya", "b", T0.plusSeconds(10))),
                s(withKindAndMeta(turn("e1", maya.withSession("s1"), "Maya", "episode", T0.plusSeconds(10)),
                        Kind.EPISODE, Map.of())),
                s(withKindAndMeta(turn("p1", maya, "Maya", "profile", T0.plusSeconds(5)), Kind.PROFILE, Map.of())),
                s(closed), s(later), s(expiring),
                s(turn("b1", Scope.user("t1", "ben"), "Ben", "c", T0.plusSeconds(7))),
                s(withKindAndMeta(turn("f1", Scope.user("t2", "maya"), "Maya", "elsewhere", T0.plusSeconds(900)),
                        Kind.FACT, Map.of()))));

        UserSummary atStart = listing.users("t1", "ben", 1, T0.plusSeconds(60)).getFirst();
        assertEquals("maya", atStart.userId());
        assertEquals(Map.of(Kind.TURN, 3L, Kind.EPISODE, 1L, Kind.FACT, 2L, Kind.PROFILE, 1L), atStart.byKind(),
                "every stored memory of the user in this tenant, by kind; none of another tenant's maya");
        assertEquals(List.of(Kind.TURN, Kind.EPISODE, Kind.FACT, Kind.PROFILE), List.copyOf(atStart.byKind().keySet()),
                "in Kind order, kinds without memories left out");
        assertEquals(store.count(SearchFilter.of(maya)), atStart.memories());
        for (Kind k : Kind.values()) {
            assertEquals(store.count(new SearchFilter(maya, Set.of(k), null, Map.of())), atStart.memories(k), k.name());
        }
        assertEquals(T0.plusSeconds(50), atStart.lastActivity(), "the expiring turn, still visible");
        assertEquals(T0.plusSeconds(50), lastActivity(listing, T0.plusSeconds(150)), "the Boston fact closed, the turn not yet expired");
        assertEquals(T0.plusSeconds(30), lastActivity(listing, T0.plusSeconds(200)),
                "the turn expired and the Boston fact closed: the Denver fact, recorded since");
        assertEquals(Map.of(Kind.TURN, 3L, Kind.EPISODE, 1L, Kind.FACT, 2L, Kind.PROFILE, 1L),
                listing.users("t1", "ben", 1, T0.plusSeconds(200)).getFirst().byKind(),
                "counts do not depend on the moment: expired and closed memories are still stored");
        assertEquals(new UserSummary("ben", Map.of(Kind.TURN, 1L), T0.plusSeconds(7)),
                listing.users("t1", null, 1, T0.plusSeconds(60)).getFirst());
        assertNull(listing.users("t1", null, 1, T0).getFirst().lastActivity(), "ben's turn is not yet recorded at T0");

        for (String id : List.of("turn1", "turn2", "expiring", "e1", "p1", "later")) {
            assertTrue(store.delete("t1", id));
        }
        UserSummary rest = listing.users("t1", "ben", 1, T0.plusSeconds(200)).getFirst();
        assertEquals(Map.of(Kind.FACT, 1L), rest.byKind(), "deletes are counted at once");
        assertNull(rest.lastActivity(), "its only memory is closed: nothing visible");
    }

    private static Instant lastActivity(UserListing listing, Instant at) {
        return listing.users("t1", "ben", 1, at).getFirst().lastActivity();
    }

    private static List<String> userIds(List<UserSummary> users) {
        return users.stream().map(UserSummary::userId).toList();
    }

    @Test
    void listNewestFirstPagesInOrderFromACursor() {
        assumeTrue(store instanceof NewestFirstListing, "the store lists newest first");
        var listing = (NewestFirstListing) store;
        var u1 = Scope.user("t1", "u1");
        store.write(List.of(
                s(turn("b", u1.withSession("s1"), "Anna", "b", T0.plusSeconds(10))),
                s(turn("a", u1.withSession("s1"), "Anna", "a", T0.plusSeconds(10))),
                s(turn("c", u1.withSession("s2"), "Anna", "c", T0.plusSeconds(10))),
                s(turn("new", u1, "Anna", "new", T0.plusSeconds(30))),
                s(turn("old", u1, "Anna", "old", T0)),
                s(withKindAndMeta(turn("topic", u1, "Anna", "t", T0.plusSeconds(20)), Kind.TOPIC, Map.of())),
                s(turn("ben", Scope.user("t1", "u2"), "Ben", "x", T0.plusSeconds(5))),
                s(turn("foreign", Scope.user("t2", "u1"), "Ann", "y", T0.plusSeconds(5)))));
        var turns = new SearchFilter(u1, Set.of(Kind.TURN), null, Map.of());
        assertEquals(List.of("new", "c", "b", "a", "old"), memoryIds(listing.listNewestFirst(turns, null, 10)),
                "event time descending, then id descending; no other kind, user or tenant");
        assertEquals(List.of("new", "c"), memoryIds(listing.listNewestFirst(turns, null, 2)), "limit");
        Memory c = store.get("t1", "c").orElseThrow();
        assertEquals(List.of("b", "a"), memoryIds(listing.listNewestFirst(turns, ListPosition.of(c), 2)),
                "after a position: the rest of its moment, then older");
        assertEquals(List.of("old"), memoryIds(listing.listNewestFirst(turns, new ListPosition(T0.plusSeconds(10), "a"),
                10)));
        assertEquals(List.of(), listing.listNewestFirst(turns, new ListPosition(T0, "old"), 10), "nothing after the last");
        assertEquals(List.of("b", "a"), memoryIds(listing.listNewestFirst(
                new SearchFilter(u1.withSession("s1"), Set.of(), null, Map.of()), null, 10)), "a session");
        assertEquals(List.of("topic", "c"), memoryIds(listing.listNewestFirst(new SearchFilter(u1, Set.of(),
                new TimeRange(T0.plusSeconds(10), T0.plusSeconds(30)), Map.of()), new ListPosition(T0.plusSeconds(25),
                "z"), 2)), "time range, every kind, a position between memories");
        assertEquals(store.get("t1", "new").orElseThrow(), listing.listNewestFirst(turns, null, 1).get(0),
                "whole records");
    }

    /**
     * Random memories (many at the same moment, some closed, of several users and tenants) paged
     * through with random page sizes while memories are written and deleted between pages: every
     * page is what the filter's model says comes after the previous page's last memory, so no
     * memory is repeated, and none that existed throughout is skipped.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void listNewestFirstPagesAsTheModelSaysWhileWritesHappen(long seed) {
        assumeTrue(store instanceof NewestFirstListing, "the store lists newest first");
        var listing = (NewestFirstListing) store;
        var random = new Random(seed);
        var scopes = List.of(Scope.user("t1", "anna").withSession("s1"), Scope.user("t1", "anna").withSession("s2"),
                Scope.user("t1", "ben"), Scope.user("t2", "anna").withSession("s1"));
        var kinds = List.of(Kind.TURN, Kind.TURN, Kind.FACT, Kind.EPISODE);
        var model = new java.util.LinkedHashMap<String, Memory>();
        var next = new int[] {0};
        java.util.function.Supplier<Memory> make = () -> {
            Scope scope = scopes.get(random.nextInt(scopes.size()));
            Instant at = T0.plusSeconds(random.nextInt(12));
            Memory m = withKindAndMeta(turn("m" + (next[0]++), scope, "Anna", "note", at),
                    kinds.get(random.nextInt(kinds.size())), Map.of());
            if (random.nextInt(5) == 0) {
                m = m.toBuilder().validTo(at.plusSeconds(1)).build();
            }
            return m;
        };
        var batch = new ArrayList<StoredMemory>();
        for (int i = 0; i < 80; i++) {
            Memory m = make.get();
            model.put(key(m), m);
            batch.add(s(m));
        }
        store.write(batch);
        var filter = new SearchFilter(Scope.user("t1", "anna"), Set.of(Kind.TURN, Kind.FACT), null, Map.of())
                .visibleAt(T0.plusSeconds(100));
        Comparator<Memory> order = ListPosition.NEWEST_FIRST;
        ListPosition after = null;
        Set<String> seen = new HashSet<>();
        for (int page = 0; page < 100; page++) {
            int limit = 1 + random.nextInt(7);
            ListPosition from = after;
            List<String> expected = model.values().stream().filter(filter::matches)
                    .filter(m -> from == null || from.isBefore(m)).sorted(order).limit(limit).map(Memory::id).toList();
            List<Memory> got = listing.listNewestFirst(filter, after, limit);
            assertEquals(expected, memoryIds(got), "seed " + seed + " page " + page);
            if (got.isEmpty()) {
                return;
            }
            for (Memory m : got) {
                assertTrue(seen.add(m.id()), "listed twice: " + m.id());
            }
            after = ListPosition.of(got.getLast());
            Memory m = make.get(); // a write between pages, sometimes older than the cursor
            model.put(key(m), m);
            store.write(List.of(s(m)));
            if (random.nextBoolean()) {
                var ids = new ArrayList<>(model.keySet());
                Memory gone = model.remove(ids.get(random.nextInt(ids.size())));
                assertTrue(store.delete(gone.scope().tenant(), gone.id()));
            }
        }
        throw new AssertionError("seed " + seed + ": paging did not end");
    }

    private static String key(Memory m) {
        return m.scope().tenant() + "/" + m.id();
    }

    private static List<String> memoryIds(List<Memory> memories) {
        return memories.stream().map(Memory::id).toList();
    }

    @Test
    void vectorsAreWhatWasWritten() {
        var u1 = Scope.user("t1", "u1");
        StoredMemory a = s(turn("a", u1, "Anna", "violin lessons on Tuesday", T0));
        StoredMemory b = s(turn("b", u1, "Anna", "a red bicycle", T0));
        store.write(List.of(a, b));
        var vectors = store.vectors("t1", List.of("a", "b", "missing"));
        assertEquals(Set.of("a", "b"), vectors.keySet(), "absent ids are left out");
        for (StoredMemory m : List.of(a, b)) {
            var got = vectors.get(m.memory().id());
            assertEquals(m.embedding().dimensions(), got.dimensions());
            for (int d = 0; d < got.dimensions(); d++) {
                assertEquals(m.embedding().get(d), got.get(d), 1e-6, "full precision, dimension " + d);
            }
        }
        assertEquals(Map.of(), store.vectors("t2", List.of("a")), "never across tenants");
    }

    @Test
    void vectorsSurviveReopen() {
        assumeDurable();
        var u1 = Scope.user("t1", "u1");
        StoredMemory a = s(turn("a", u1, "Anna", "violin lessons on Tuesday", T0));
        store.write(List.of(a, s(turn("b", u1, "Anna", "a red bicycle", T0))));
        reopen();
        var vectors = store.vectors("t1", List.of("a", "b"));
        assertEquals(Set.of("a", "b"), vectors.keySet(), "after reopen");
        for (int d = 0; d < a.embedding().dimensions(); d++) {
            assertEquals(a.embedding().get(d), vectors.get("a").get(d), 1e-6, "full precision, dimension " + d);
        }
    }

    private static Set<String> idsOf(List<Memory> memories) {
        Set<String> out = new HashSet<>();
        for (Memory m : memories) {
            assertTrue(out.add(m.id()), "deleted twice: " + m.id());
        }
        return out;
    }

    /** Seeded random tenants, users and texts: no search or get ever crosses a scope. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomizedIsolation(long seed) {
        var random = new Random(seed);
        String[] words = {"cat", "dog", "paris", "violin", "salary", "doctor", "garden", "exam", "trip", "cake"};
        var batch = new ArrayList<StoredMemory>();
        for (int i = 0; i < 150; i++) {
            var scope = Scope.user("t" + random.nextInt(3), "u" + random.nextInt(3));
            String text = words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)];
            batch.add(s(turn("m" + i, scope, "x", text, T0.plusSeconds(i))));
        }
        store.write(batch);
        for (int q = 0; q < 40; q++) {
            var scope = random.nextBoolean() ? Scope.tenant("t" + random.nextInt(3))
                    : Scope.user("t" + random.nextInt(3), "u" + random.nextInt(3));
            String text = words[random.nextInt(words.length)];
            SearchHits hits = search(scope, text, 100);
            for (StoreHit h : hits.lexical()) {
                assertCovered(scope, h, "lexical");
            }
            for (StoreHit h : hits.dense()) {
                assertCovered(scope, h, "dense");
            }
        }
    }

    @Test
    void recordedAccessesCount() {
        AccessRecording recording = accessRecording();
        var u = Scope.user("t1", "u1");
        store.write(List.of(s(turn("a", u, "Anna", "recalled often", T0)), s(turn("b", u, "Anna", "never recalled", T0)),
                s(turn("a", Scope.user("t2", "u1"), "Anna", "same id, other tenant", T0))));
        Instant first = T0.plusSeconds(60);
        recording.recordAccess("t1", List.of("a", "a", "missing"), first);
        assertEquals(new Lifecycle(2, first, null, false, null, null), store.get("t1", "a").orElseThrow().lifecycle(),
                "an id listed twice counts twice; a missing id is ignored");
        assertEquals(Lifecycle.NONE, store.get("t1", "b").orElseThrow().lifecycle());
        assertEquals(Lifecycle.NONE, store.get("t2", "a").orElseThrow().lifecycle(), "other tenants are never touched");

        recording.recordAccess("t1", List.of("a"), T0.plusSeconds(30));
        assertEquals(new Lifecycle(3, first, null, false, null, null), store.get("t1", "a").orElseThrow().lifecycle(),
                "the last access never moves back");
        long deadline = System.nanoTime() + (accessesListedAtOnce() ? 0 : 5_000_000_000L);
        int listed;
        do {
            listed = store.list(SearchFilter.of(u), 10).stream().filter(m -> m.id().equals("a")).findFirst()
                    .orElseThrow().lifecycle().accessCount();
        } while (listed != 3 && System.nanoTime() < deadline && pause());
        assertEquals(3, listed, "list shows the counts too");
    }

    private static boolean pause() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void recordedAccessesSurviveReopen() {
        AccessRecording recording = accessRecording();
        assumeDurable();
        var u = Scope.user("t1", "u1");
        store.write(List.of(s(turn("a", u, "Anna", "recalled often", T0)), s(turn("b", u, "Anna", "never recalled", T0))));
        recording.recordAccess("t1", List.of("a", "a", "a"), T0.plusSeconds(60));
        reopen();
        assertEquals(3, store.get("t1", "a").orElseThrow().lifecycle().accessCount(), "after reopening");
        accessRecording().recordAccess("t1", List.of("a", "b"), T0.plusSeconds(120));
        reopen();
        assertEquals(new Lifecycle(4, T0.plusSeconds(120), null, false, null, null),
                store.get("t1", "a").orElseThrow().lifecycle(), "counted on top of the reopened value");
        assertEquals(1, store.get("t1", "b").orElseThrow().lifecycle().accessCount());
    }

    @Test
    void writingAMemoryReplacesItsAccessCountsAndDeletingDropsThem() {
        AccessRecording recording = accessRecording();
        var u = Scope.user("t1", "u1");
        Memory m = turn("a", u, "Anna", "rewritten later", T0);
        store.write(List.of(s(m)));
        recording.recordAccess("t1", List.of("a", "a"), T0.plusSeconds(1));
        var life = new Lifecycle(7, T0.plusSeconds(2), null, true, null, null);
        store.write(List.of(s(m.withLifecycle(life))));
        assertEquals(life, store.get("t1", "a").orElseThrow().lifecycle());
        recording.recordAccess("t1", List.of("a"), T0.plusSeconds(3));
        assertEquals(8, store.get("t1", "a").orElseThrow().lifecycle().accessCount());
        assertTrue(store.get("t1", "a").orElseThrow().lifecycle().pinned(), "the rest of the lifecycle stays");
        store.delete("t1", "a");
        store.write(List.of(s(m)));
        assertEquals(Lifecycle.NONE, store.get("t1", "a").orElseThrow().lifecycle(), "a new memory under an old id");
    }

    @Test
    void listReturnsWhatTheFilterMatchesUpToTheLimit() {
        var anna = Scope.user("t1", "anna");
        var batch = new ArrayList<StoredMemory>();
        for (int i = 0; i < 12; i++) {
            batch.add(s(turn("a" + i, anna.withSession(i % 2 == 0 ? "even" : "odd"), "Anna", "note " + i, T0)));
        }
        batch.add(s(turn("b0", Scope.user("t1", "ben"), "Ben", "note", T0)));
        batch.add(s(turn("a0", Scope.user("t2", "anna"), "Anna", "note", T0)));
        store.write(batch);
        store.delete("t1", "a11");
        Set<String> all = new HashSet<>(store.list(SearchFilter.of(anna), 100).stream().map(Memory::id).toList());
        assertEquals(11, all.size());
        assertFalse(all.contains("a11") || all.contains("b0"));
        assertTrue(store.list(SearchFilter.of(anna), 100).stream().allMatch(m -> m.scope().tenant().equals("t1")));
        assertEquals(6, store.list(SearchFilter.of(anna.withSession("even")), 100).size());
        assertEquals(4, store.list(SearchFilter.of(anna), 4).size());
        assertEquals(List.of(), store.list(SearchFilter.of(Scope.user("t1", "nobody")), 10));
    }

    @Test
    void expiredFindsExpiredMemoriesOfEveryTenant() {
        Memory soon = turn("soon", Scope.user("t1", "u1"), "Anna", "expires soon", T0)
                .withLifecycle(Lifecycle.NONE.withExpiresAt(T0.plusSeconds(10)));
        Memory later = turn("later", Scope.user("t2", "u1"), "Anna", "expires later", T0)
                .withLifecycle(Lifecycle.NONE.withExpiresAt(T0.plusSeconds(100)));
        Memory never = turn("never", Scope.user("t1", "u1"), "Anna", "never expires", T0);
        store.write(List.of(s(soon), s(later), s(never)));
        assertEquals(List.of(), store.expired(T0.plusSeconds(9), 10));
        assertEquals(Set.of("soon"), ids(store.expired(T0.plusSeconds(10), 10)), "expired at its expiry");
        assertEquals(Set.of("soon", "later"), ids(store.expired(T0.plusSeconds(1000), 10)));
        assertEquals(1, store.expired(T0.plusSeconds(1000), 1).size());
        store.delete("t1", "soon");
        assertEquals(Set.of("later"), ids(store.expired(T0.plusSeconds(1000), 10)));
    }

    /**
     * Writes memories of two users and another tenant, then forgets one by id and one user by
     * filter; returns the memories left, by tenant and id.
     */
    private Map<String, Memory> writeThenForgetSome() {
        var u1 = Scope.user("t1", "u1");
        var u2 = Scope.user("t1", "u2");
        Memory keep1 = turn("keep1", u1, "Anna", "the violin teacher", T0);
        Memory keep2 = turn("keep2", u1, "Anna", "a red bicycle", T0);
        Memory foreign = turn("gone", Scope.user("t2", "u1"), "Anna", "same id, other tenant: the violin", T0);
        store.write(List.of(s(keep1), s(keep2), s(foreign),
                s(turn("gone", u1, "Anna", "the violin lesson with Quillerby", T0)),
                s(turn("purged1", u2, "Ben", "the violin concert", T0)),
                s(turn("purged2", u2.withSession("s2"), "Ben", "a blue bicycle", T0))));
        assertTrue(store.delete("t1", "gone"));
        assertEquals(2, store.deleteMatching(SearchFilter.of(u2)).size());
        return Map.of("t1/keep1", keep1, "t1/keep2", keep2, "t2/gone", foreign);
    }

    private void assertOnlyTheRestRemains(Map<String, Memory> rest, String when) {
        for (String id : List.of("gone", "purged1", "purged2")) {
            assertTrue(store.get("t1", id).isEmpty(), id + " is gone from get " + when);
        }
        rest.forEach((key, m) -> assertEquals(m, store.get(m.scope().tenant(), m.id()).orElseThrow(),
                key + " comes back whole " + when));
        assertEquals(Set.of("keep1", "keep2"), store.existing("t1", List.of("gone", "purged1", "purged2", "keep1",
                "keep2")), "existing " + when);
        assertEquals(2, store.count(SearchFilter.of(Scope.tenant("t1"))), "count " + when);
        assertEquals(List.of("keep1", "keep2"), store.list(SearchFilter.of(Scope.tenant("t1")), 10).stream()
                .map(Memory::id).toList(), "list " + when);
        assertEquals(Set.of("keep1"), store.vectors("t1", List.of("gone", "purged1", "keep1")).keySet(),
                "vectors " + when);
        SearchHits violin = search(Scope.tenant("t1"), "violin", 10);
        assertEquals(List.of("keep1"), ids(violin.lexical()), "lexical search " + when);
        assertEquals(Set.of("keep1", "keep2"), new HashSet<>(ids(violin.dense())), "dense search " + when);
        assertEquals(rest.size(), store.stats().memories(), "stats " + when);
    }

    @Test
    void compactKeepsTheRestAndDropsTheForgotten() {
        Compactable compactable = compactable();
        Map<String, Memory> rest = writeThenForgetSome();
        compactable.compact();
        assertOnlyTheRestRemains(rest, "after compaction");

        var u1 = Scope.user("t1", "u1");
        store.write(List.of(s(turn("later", u1, "Anna", "written after compaction", T0))));
        assertTrue(store.delete("t1", "keep2"));
        assertEquals(Set.of("keep1", "later"), store.existing("t1", List.of("keep1", "keep2", "later")),
                "writes and deletes go on after compaction");
        compactable.compact();
        assertEquals(Set.of("keep1", "later"), new HashSet<>(ids(search(u1, "violin compaction", 10).dense())),
                "a second compaction");
    }

    @Test
    void compactedStoreReopensWithoutTheForgotten() {
        Compactable compactable = compactable();
        assumeDurable();
        Map<String, Memory> rest = writeThenForgetSome();
        compactable.compact();
        reopen();
        assertOnlyTheRestRemains(rest, "after compaction and reopen");
    }

    @Test
    void compactWithNothingDeletedChangesNoAnswer() {
        Compactable compactable = compactable();
        var scope = Scope.user("t1", "u1");
        var batch = new ArrayList<StoredMemory>();
        for (int i = 0; i < 50; i++) {
            batch.add(s(turn("m" + i, scope, "Anna", "note " + i + " about topic " + (i % 7), T0.plusSeconds(i))));
        }
        store.write(batch);
        SearchHits before = search(scope, "note about topic 3", 20);
        compactable.compact();
        SearchHits after = search(scope, "note about topic 3", 20);
        assertEquals(ids(before.lexical()), ids(after.lexical()));
        assertEquals(ids(before.dense()), ids(after.dense()));
        assertEquals(batch.get(7).memory(), store.get("t1", "m7").orElseThrow());
        assertEquals(50, store.count(SearchFilter.of(scope)));
    }

    @Test
    void compactKeepsRecordedAccesses() {
        Compactable compactable = compactable();
        AccessRecording recording = accessRecording();
        var u = Scope.user("t1", "u1");
        store.write(List.of(s(turn("a", u, "Anna", "recalled twice", T0)), s(turn("b", u, "Anna", "forgotten", T0))));
        recording.recordAccess("t1", List.of("a", "a", "b"), T0.plusSeconds(60));
        assertTrue(store.delete("t1", "b"));
        compactable.compact();
        assertEquals(new Lifecycle(2, T0.plusSeconds(60), null, false, null, null),
                store.get("t1", "a").orElseThrow().lifecycle(), "counts survive the rewrite of the files");
        recording.recordAccess("t1", List.of("a"), T0.plusSeconds(120));
        assertEquals(3, store.get("t1", "a").orElseThrow().lifecycle().accessCount(), "and keep counting");
    }

    private static Set<String> ids(java.util.Collection<Memory> memories) {
        return Set.copyOf(memories.stream().map(Memory::id).toList());
    }

    private void assertCovered(Scope scope, StoreHit hit, String signal) {
        var memory = store.get(scope.tenant(), hit.id());
        assertTrue(memory.isPresent(), signal + " hit " + hit.id() + " is not in tenant " + scope.tenant());
        assertTrue(scope.covers(memory.get().scope()), signal + " leak " + memory.get().scope() + " into " + scope);
    }
}
