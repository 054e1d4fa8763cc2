package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.WriteConflictException;
import dev.loci.testkit.ForwardingSharedStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import dev.loci.testkit.PausingSharedStore;
import dev.loci.testkit.SharedInMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two engines over one shared store, as two servers over one cluster, rewriting the same stored
 * fact at the same moment: one reinforces it while the other reinforces it too, closes it, or
 * forgets a turn it came from. Server A is stopped just before its first write of a fact while
 * server B's whole call runs, then A goes on: A's rewrite of the fact is refused, A reads it again
 * and makes its change on B's version. Neither server's change is lost, and the facts end as one
 * engine builds them from the statements that remain, in the order they were said.
 */
class SharedFactsTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-06-01T09:00:00Z");
    private static final Said BOSTON = new Said("I live in Boston.", T, "m1");

    record Said(String text, Instant at, String clientId) {
        Message message() {
            return new Message("user", "Maya", text, at, clientId, null);
        }
    }

    /** Both orders: each server's reinforcement is the one stopped before its write. */
    @Test
    void twoServersReinforcingOneFactAtOnceKeepBothSources() {
        var again = new Said("I live in Boston now.", T.plus(Duration.ofDays(1)), "m2");
        var still = new Said("I live in Boston, still.", T.plus(Duration.ofDays(2)), "m3");
        for (boolean stillOnA : List.of(true, false)) {
            var shared = new SharedInMemoryStore();
            var clock = clock();
            String first = rememberAll(shared, clock, BOSTON).get(0);
            long conflicts;
            try (var b = engine(shared, clock)) {
                var onB = stillOnA ? again : still;
                var pausing = new PausingSharedStore<>(shared, Kind.FACT, () -> b.remember(MAYA, List.of(onB.message())));
                try (var a = engine(pausing, clock)) {
                    a.remember(MAYA, List.of((stillOnA ? still : again).message()));
                    conflicts = figure(a, "writes.conflicts.fact");
                    assertEquals(conflicts, figure(a, "writes.retries.fact"), "each refused rewrite was redone");
                }
                assertTrue(pausing.paused, "server A stopped before rewriting the fact and server B ran");
            }
            String race = stillOnA ? "the later claim on A" : "the later claim on B";
            List<Memory> facts = allFacts(shared);
            assertEquals(1, facts.size(), "one fact, reinforced twice: " + facts + " (" + race + ")");
            Memory fact = facts.get(0);
            assertEquals(first, fact.metadata().get("loci.turn"));
            assertEquals(Set.copyOf(turnIds(shared)), Set.copyOf(fact.sourceIds()), "every turn a source: " + race);
            assertEquals(3, fact.sourceIds().size(), race);
            assertEquals(0.7, fact.importance(), 1e-9, "reinforced by both servers: " + race);
            assertEquals(fromScratch(BOSTON, again, still), State.of(shared), race);
            assertEquals(1, conflicts, "server A's rewrite of the fact was refused once: " + race);
        }
    }

    /**
     * Server A closes "I live in Boston" with a move while server B reinforces it (said before
     * the move): the fact ends closed by the move, with B's turn among its sources.
     */
    @Test
    void aFactClosedWhileAnotherServerReinforcesItKeepsTheOtherServersSource() {
        var again = new Said("I live in Boston now.", T.plus(Duration.ofDays(5)), "m2");
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m3");
        var shared = new SharedInMemoryStore();
        var clock = clock();
        rememberAll(shared, clock, BOSTON);
        long conflicts;
        try (var b = engine(shared, clock)) {
            var pausing = new PausingSharedStore<>(shared, Kind.FACT, () -> b.remember(MAYA, List.of(again.message())));
            try (var a = engine(pausing, clock)) {
                a.remember(MAYA, List.of(denver.message()));
                conflicts = figure(a, "writes.conflicts.fact");
            }
            assertTrue(pausing.paused);
        }
        Memory boston = fact(shared, "boston");
        assertEquals(denver.at(), boston.validTo(), "closed when the move was said");
        assertEquals(2, boston.sourceIds().size(), "B's turn kept among the sources: " + boston.sourceIds());
        assertEquals(fromScratch(BOSTON, again, denver), State.of(shared));
        assertEquals(1, conflicts, "A's closing met B's reinforcement");
    }

    /**
     * Server A makes the claim "I live in Boston" again while server B closes the fact with a move
     * said before A's claim: the closing stands, and A's claim, now a change back, is a fact of its
     * own that closes the move, as one engine builds it in the order said.
     */
    @Test
    void aClaimMadeAgainAfterAnotherServerClosedItsFactStandsAsANewFact() {
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var back = new Said("I live in Boston now.", T.plus(Duration.ofDays(20)), "m3");
        var shared = new SharedInMemoryStore();
        var clock = clock();
        rememberAll(shared, clock, BOSTON);
        try (var b = engine(shared, clock)) {
            var pausing = new PausingSharedStore<>(shared, Kind.FACT, () -> b.remember(MAYA, List.of(denver.message())));
            try (var a = engine(pausing, clock)) {
                a.remember(MAYA, List.of(back.message()));
            }
            assertTrue(pausing.paused);
        }
        State state = State.of(shared);
        assertEquals(fromScratch(BOSTON, denver, back), state);
        assertEquals(List.of("residence=boston"), state.current());
        assertEquals(3, state.facts().size(), "Boston, closed by Denver, closed by Boston again: " + state.facts());
    }

    /**
     * Server A reinforces "I live in Boston" while server B forgets the turn the fact was read
     * from (the fact goes with it): A does not write the forgotten turn's fact back; its claim is
     * a fact of its own.
     */
    @Test
    void aClaimMadeAgainWhileAnotherServerForgetsItsFactIsAFactOfItsOwn() {
        var again = new Said("I live in Boston now.", T.plus(Duration.ofDays(5)), "m2");
        var shared = new SharedInMemoryStore();
        var clock = clock();
        String first = rememberAll(shared, clock, BOSTON).get(0);
        try (var b = engine(shared, clock)) {
            var pausing = new PausingSharedStore<>(shared, Kind.FACT, () -> assertTrue(b.forget(MAYA, first)));
            try (var a = engine(pausing, clock)) {
                a.remember(MAYA, List.of(again.message()));
            }
            assertTrue(pausing.paused);
        }
        List<Memory> facts = allFacts(shared);
        assertEquals(1, facts.size(), "only A's claim: " + facts);
        assertFalse(facts.get(0).sourceIds().contains(first), "the forgotten turn is no source");
        assertEquals("I live in Boston now.", facts.get(0).text());
        assertEquals(fromScratch(again), State.of(shared));
    }

    /**
     * Server A closes the Denver fact with a move to Lisbon while server B forgets the turn Denver
     * was read from (which opens Boston again): A does not write the forgotten fact back closed,
     * and Lisbon closes Boston, as if Denver had never been said.
     */
    @Test
    void aFactClosedWhileAnotherServerForgetsItIsNotWrittenBack() {
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var lisbon = new Said("I moved to Lisbon last month.", T.plus(Duration.ofDays(20)), "m3");
        var shared = new SharedInMemoryStore();
        var clock = clock();
        String denverTurn = rememberAll(shared, clock, BOSTON, denver).get(1);
        try (var b = engine(shared, clock)) {
            var pausing = new PausingSharedStore<>(shared, Kind.FACT, () -> assertTrue(b.forget(MAYA, denverTurn)));
            try (var a = engine(pausing, clock)) {
                a.remember(MAYA, List.of(lisbon.message()));
            }
            assertTrue(pausing.paused);
        }
        assertTrue(allFacts(shared).stream().noneMatch(f -> "denver".equals(f.metadata().get("loci.value"))),
                "the forgotten turn's fact stays gone: " + allFacts(shared));
        assertEquals(fromScratch(BOSTON, lisbon), State.of(shared));
    }

    /**
     * Server A forgets a turn that only reinforced "I live in Boston" (the fact loses it as a
     * source) while server B closes the fact with a move. A's repair must not open the fact B just
     * closed: even when A is killed before its profile write (nothing settles after it), Boston
     * stays closed by the move and loses the forgotten source.
     */
    @Test
    void aForgetAndARememberAtOnceDoNotReopenTheFactTheRememberClosed() {
        var again = new Said("I live in Boston now.", T.plus(Duration.ofDays(5)), "m2");
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m3");
        for (boolean killedBeforeProfile : List.of(true, false)) {
            var shared = new SharedInMemoryStore();
            var clock = clock();
            List<String> turns = rememberAll(shared, clock, BOSTON, again);
            String reinforcing = turns.get(1);
            long conflicts;
            try (var b = engine(shared, clock)) {
                var pausing = new PausingSharedStore<>(shared, Kind.FACT, () -> b.remember(MAYA, List.of(denver.message()))) {
                    @Override
                    public void writeIf(List<ConditionalWrite> batch) {
                        if (killedBeforeProfile && batch.stream().anyMatch(w -> w.record().memory().kind() == Kind.PROFILE)) {
                            throw new StorageException("the server was killed before its profile write", false);
                        }
                        super.writeIf(batch);
                    }
                };
                try (var a = engine(pausing, clock)) {
                    assertTrue(a.forget(MAYA, reinforcing));
                    conflicts = figure(a, "writes.conflicts.fact");
                }
                assertTrue(pausing.paused, "server A stopped before its repair's fact write and server B ran");
            }
            String run = killedBeforeProfile ? "A killed before its profile" : "A wrote its profile";
            Memory boston = fact(shared, "boston");
            assertEquals(denver.at(), boston.validTo(), "Boston stays closed by the move: " + run);
            assertEquals(List.of(turns.get(0)), boston.sourceIds(), "and loses the forgotten turn: " + run);
            assertEquals(List.of("residence=denver"), State.of(shared).current(), run);
            if (!killedBeforeProfile) {
                assertEquals(fromScratch(BOSTON, denver), State.of(shared));
            }
            assertEquals(1, conflicts, "A's repair met B's closing: " + run);
        }
    }

    /**
     * Servers A and B race ("I live in Boston" on A, "I moved to Denver" said later on B), so A's
     * profile write is refused and A settles: Denver closes Boston. Just before A writes Boston
     * closed, server C reinforces Boston ("I live in Boston now", said in between) to the end. A's
     * settling write of Boston is refused and made again on C's version: Boston ends closed by
     * Denver with C's turn among its sources, as one engine builds it in the order said.
     */
    @Test
    void aFactSettledWhileAThirdServerReinforcesItKeepsThatServersSource() {
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var again = new Said("I live in Boston now.", T.plus(Duration.ofDays(5)), "m3");
        var shared = new SharedInMemoryStore();
        var clock = clock();
        try (var b = engine(shared, clock); var c = engine(shared, clock)) {
            var settling = new SettlingStore(shared, () -> b.remember(MAYA, List.of(denver.message())),
                    () -> c.remember(MAYA, List.of(again.message())));
            try (var a = engine(settling, clock)) {
                a.remember(MAYA, List.of(BOSTON.message()));
            }
            assertTrue(settling.cRan, "server A stopped before writing what it settled and server C ran");
        }
        Memory boston = fact(shared, "boston");
        assertEquals(denver.at(), boston.validTo(), "closed by the move");
        assertEquals(2, boston.sourceIds().size(), "C's turn kept among Boston's sources: " + boston.sourceIds());
        assertEquals(fromScratch(BOSTON, again, denver), State.of(shared));
    }

    /**
     * Server A's view: before its first fact write server B runs; once a profile write of A was
     * refused (A then settles), before its next fact write server C runs.
     */
    static final class SettlingStore extends ForwardingSharedStore<SharedInMemoryStore> {
        private final Runnable b;
        private final Runnable c;
        private boolean bRan;
        private boolean profileRefused;
        boolean cRan;

        SettlingStore(SharedInMemoryStore shared, Runnable b, Runnable c) {
            super(shared);
            this.b = b;
            this.c = c;
        }

        private void beforeFacts(boolean facts) {
            if (!facts) {
                return;
            }
            if (!bRan) {
                bRan = true;
                b.run();
            } else if (profileRefused && !cRan) {
                cRan = true;
                c.run();
            }
        }

        @Override
        public void write(List<StoredMemory> batch) {
            beforeFacts(batch.stream().anyMatch(r -> r.memory().kind() == Kind.FACT));
            super.write(batch);
        }

        @Override
        public void writeIf(List<ConditionalWrite> batch) {
            beforeFacts(batch.stream().anyMatch(w -> w.record().memory().kind() == Kind.FACT));
            try {
                super.writeIf(batch);
            } catch (WriteConflictException e) {
                profileRefused |= batch.stream().anyMatch(w -> w.record().memory().kind() == Kind.PROFILE);
                throw e;
            }
        }
    }

    /** The user's facts (value, open or closed) and profile text as a store holds them. */
    record State(List<String> facts, List<String> current, String profile) {
        static State of(MemoryStore store) {
            List<Memory> facts = allFacts(store);
            List<Memory> profiles = store.list(new SearchFilter(MAYA, Set.of(Kind.PROFILE), null, Map.of()), 10);
            assertEquals(1, profiles.size(), "one profile: " + profiles);
            return new State(
                    facts.stream().map(f -> f.metadata().get("loci.attribute") + "=" + f.metadata().get("loci.value")
                            + (f.validTo() == null ? "" : " closed " + f.validTo())).toList(),
                    facts.stream().filter(f -> f.validTo() == null)
                            .map(f -> f.metadata().get("loci.attribute") + "=" + f.metadata().get("loci.value")).toList(),
                    profiles.get(0).text());
        }
    }

    private static List<Memory> allFacts(MemoryStore store) {
        return store.list(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of()), 1000).stream()
                .sorted(Comparator.comparing(Memory::occurredAt).thenComparing(m -> m.metadata().get("loci.value")))
                .toList();
    }

    private static Memory fact(MemoryStore store, String value) {
        List<Memory> found = allFacts(store).stream().filter(f -> value.equals(f.metadata().get("loci.value"))).toList();
        assertEquals(1, found.size(), "one " + value + " fact: " + found);
        return found.get(0);
    }

    private static List<String> turnIds(MemoryStore store) {
        return store.list(new SearchFilter(MAYA, Set.of(Kind.TURN), null, Map.of()), 1000).stream()
                .map(Memory::id).toList();
    }

    /** One engine remembers the statements one call after the other; the ids of their turns. */
    private static List<String> rememberAll(MemoryStore store, ManualClock clock, Said... said) {
        try (var engine = engine(store, clock)) {
            return java.util.Arrays.stream(said).map(s -> engine.remember(MAYA, List.of(s.message())).ids().get(0))
                    .toList();
        }
    }

    /** One engine over a store of its own, remembering the statements one call after the other. */
    private static State fromScratch(Said... said) {
        var store = new InMemoryStore();
        rememberAll(store, clock(), said);
        return State.of(store);
    }

    private static long figure(LociEngine engine, String name) {
        return Long.parseLong(engine.stats().details().get(name));
    }

    private static ManualClock clock() {
        return new ManualClock(T.plus(Duration.ofDays(100)));
    }

    private static LociEngine engine(MemoryStore store, ManualClock clock) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).clock(clock).build();
    }
}
