package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.testkit.ForwardingStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Listing a scope a page at a time: order, filters, what is visible, and paging while writes happen. */
class ListTest {
    private static final Scope MAYA = Scope.user("acme", "maya").withSession("s1");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    private final Rig rig = Rig.create(1, LociConfig.defaults());
    private final Loci loci = rig.loci();

    private static List<String> texts(MemoryPage page) {
        return page.memories().stream().map(Memory::text).toList();
    }

    @Test
    void listsTheNewestTurnsFirstAndNotWhatLociBuildsOverThem() {
        loci.remember(MAYA, List.of(
                Message.of("Maya", "I live in Boston with my sister", T),
                Message.of("Maya", "My sister plays the cello", T.plusSeconds(60)),
                Message.of("Maya", "We adopted a grey cat last spring", T.plusSeconds(120))));
        loci.remember(MAYA.withSession("s2"), List.of(Message.of("Maya", "The cat is called Pixel", T.plusSeconds(90))));
        loci.remember(Scope.user("acme", "ben"), List.of(Message.of("Ben", "I live in Oslo", T.plusSeconds(500))));
        loci.remember(Scope.user("other", "maya"), List.of(Message.of("Maya", "I live in Lima", T.plusSeconds(500))));
        loci.awaitConsolidation();

        MemoryPage session = loci.list(MAYA, ListQuery.of());
        assertEquals(List.of("We adopted a grey cat last spring", "My sister plays the cello",
                "I live in Boston with my sister"), texts(session), "turns only, newest first");
        assertNull(session.nextCursor());
        assertFalse(session.hasMore());
        assertEquals(List.of("We adopted a grey cat last spring", "The cat is called Pixel",
                "My sister plays the cello", "I live in Boston with my sister"),
                texts(loci.list(Scope.user("acme", "maya"), ListQuery.of())), "a user: every session, no other user");
        assertTrue(rig.store().count(dev.loci.spi.SearchFilter.of(MAYA)) > 3, "episodes and facts exist");
        assertTrue(loci.list(MAYA, ListQuery.of().withKinds(Set.of(Kind.EPISODE))).memories().stream()
                .allMatch(m -> m.kind() == Kind.EPISODE), "a kind asked for");
        assertEquals(Set.of(Kind.FACT), Set.copyOf(loci.list(Scope.user("acme", "maya"),
                ListQuery.of().withKinds(Set.of(Kind.FACT))).memories().stream().map(Memory::kind).toList()));
        assertEquals(List.of("My sister plays the cello"), texts(loci.list(MAYA, ListQuery.of()
                .withTimeRange(new TimeRange(T.plusSeconds(1), T.plusSeconds(120))))), "half-open time range");
        assertEquals(List.of(), loci.list(Scope.user("acme", "nobody"), ListQuery.of()).memories());
    }

    @Test
    void pagesContinueWhereTheCursorStoppedWhileMemoriesArrive() {
        var messages = new ArrayList<Message>();
        for (int i = 0; i < 25; i++) {
            // five at each moment: ties are ordered by id, the same on every page
            messages.add(Message.of("Maya", "note number " + i, T.plusSeconds(i / 5)));
        }
        loci.remember(MAYA, messages);
        List<String> expected = loci.list(MAYA, ListQuery.of().withLimit(1000)).memories().stream()
                .map(Memory::id).toList();
        assertEquals(25, expected.size());

        var seen = new ArrayList<String>();
        ListQuery q = ListQuery.of().withLimit(7);
        MemoryPage page = loci.list(MAYA, q);
        int pages = 1;
        seen.addAll(page.memories().stream().map(Memory::id).toList());
        while (page.hasMore()) {
            rig.clock().advance(Duration.ofMinutes(1)); // a newer memory between pages
            loci.remember(MAYA, List.of(Message.of("Maya", "said while paging " + pages, null)));
            q = q.after(page);
            page = loci.list(MAYA, q);
            pages++;
            seen.addAll(page.memories().stream().map(Memory::id).toList());
        }
        assertEquals(expected, seen, "no memory repeated or skipped, none of the newer ones on later pages");
        assertEquals(4, pages, "7 + 7 + 7 + 4, and no empty last page");
        assertThrows(InvalidInputException.class, () -> ListQuery.of().after(new MemoryPage(List.of(), null)));
        assertEquals("said while paging 3", loci.list(MAYA, ListQuery.of().withLimit(1)).memories().get(0).text(),
                "a new first page starts with the newest");
    }

    @Test
    void listsCurrentVersionsAndWhatHeldAtAnEarlierMomentWhenAsked() {
        String office = loci.remember(MAYA, List.of(Message.of("Maya", "My office is on the fourth floor", T)))
                .ids().get(0);
        String cactus = loci.remember(MAYA, List.of(Message.of("Maya", "I keep a cactus at my desk", T)))
                .ids().get(0);
        Instant before = rig.clock().instant();
        rig.clock().advance(Duration.ofDays(2));
        loci.update(MAYA, office, "My office moved to the ninth floor");
        assertTrue(loci.forget(MAYA, cactus));

        assertEquals(List.of("My office moved to the ninth floor"), texts(loci.list(MAYA, ListQuery.of())),
                "the current version only; a forgotten memory is gone");
        assertEquals(List.of("My office is on the fourth floor"),
                texts(loci.list(MAYA, ListQuery.of().withAsOf(before))), "as of before the update");

        loci.remember(MAYA, List.of(Message.of("Maya", "a reminder for a while", T.plusSeconds(5))
                .withExpiresAt(rig.clock().instant().plus(Duration.ofHours(1)))));
        assertEquals(2, loci.list(MAYA, ListQuery.of()).memories().size());
        rig.clock().advance(Duration.ofHours(2));
        assertEquals(List.of("My office moved to the ninth floor"), texts(loci.list(MAYA, ListQuery.of())),
                "expired: not listed, before any sweep");
    }

    @Test
    void metadataNarrowsTheListing() {
        loci.remember(MAYA, List.of(
                Message.of("Maya", "Book the flight to Lisbon", T).withMetadata(Map.of("topic", "travel")),
                Message.of("Maya", "Renew the car insurance", T.plusSeconds(1)).withMetadata(Map.of("topic", "admin"))));
        assertEquals(List.of("Book the flight to Lisbon"),
                texts(loci.list(MAYA, ListQuery.of().withMetadata(Map.of("topic", "travel")))));
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("limit", assertThrows(InvalidInputException.class, () -> ListQuery.of().withLimit(0)).field());
        assertEquals("limit", assertThrows(InvalidInputException.class, () -> ListQuery.of().withLimit(1001)).field());
        assertEquals("cursor", assertThrows(InvalidInputException.class,
                () -> loci.list(MAYA, ListQuery.of().withCursor("not-a-cursor"))).field());
        assertEquals("cursor", assertThrows(InvalidInputException.class,
                () -> loci.list(MAYA, ListQuery.of().withCursor("MTphOmI6Yw"))).field(), "base64 of a wrong form");
        assertEquals("cursor", assertThrows(InvalidInputException.class, () -> ListQuery.of().withCursor(" ")).field());
        assertEquals("scope", assertThrows(InvalidInputException.class, () -> loci.list(null, ListQuery.of())).field());
        assertEquals("query", assertThrows(InvalidInputException.class, () -> loci.list(MAYA, null)).field());
    }

    /** A store without the newest-first capability is listed through its plain listing: same pages. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void aStoreWithoutTheCapabilityGivesTheSamePages(long seed) {
        var clock = new ManualClock(T);
        var store = new InMemoryStore();
        var plain = new ForwardingStore(store) {
        };
        var config = Rig.flat();
        try (var fast = LociEngine.builder().embedder(new HashingEmbedder()).store(store).clock(clock)
                .random(new Random(seed)).config(config).build();
             var slow = LociEngine.builder().embedder(new HashingEmbedder()).store(plain).clock(clock)
                .random(new Random(seed)).config(config).build()) {
            var random = new Random(seed);
            var messages = new ArrayList<Message>();
            for (int i = 0; i < 40; i++) {
                messages.add(Message.of("Maya", "note " + i, T.plusSeconds(random.nextInt(10))));
            }
            fast.remember(MAYA, messages);
            ListQuery q = ListQuery.of().withLimit(1 + random.nextInt(9));
            var all = new HashSet<String>();
            while (true) {
                MemoryPage a = fast.list(MAYA, q);
                MemoryPage b = slow.list(MAYA, q);
                assertEquals(a, b);
                a.memories().forEach(m -> assertTrue(all.add(m.id())));
                if (!a.hasMore()) {
                    break;
                }
                q = q.after(a);
            }
            assertEquals(40, all.size());
        }
    }
}
