package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.ForwardingSharedStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import dev.loci.testkit.SharedInMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two engines over one shared store, as two servers over one cluster, consolidating statements of
 * the same user at the same moment. The race is forced deterministically: server A is stopped at a
 * chosen write (its facts, or its profile) while server B's whole remember call runs, then A goes
 * on. Whatever the interleaving, the user's facts and profile end as one engine remembering the
 * same statements one after the other builds them from scratch, and the conflict was met (the
 * profile write of the server that lost was refused, and it settled and wrote again).
 */
class SharedProfilesTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-06-01T09:00:00Z");

    /** Where server A stops to let server B run. */
    enum Pause { BEFORE_FACTS, BEFORE_PROFILE }

    record Said(String text, Instant at, String clientId) {
        Message message() {
            return new Message("user", "Maya", text, at, clientId, null);
        }
    }

    @Test
    void aContradictionTheTwoServersCouldNotSeeIsSettledByTheOneThatLost() {
        var a = new Said("I live in Boston.", T, "m1");
        var b = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        for (Pause pause : Pause.values()) {
            Outcome race = race(List.of(a), List.of(b), pause);
            assertEquals(fromScratch(List.of(b, a)), race.state, "after a race paused " + pause);
            assertEquals(List.of("residence=denver"), race.state.current, pause.name());
            assertTrue(race.conflicts > 0, "server A's profile write conflicted (" + pause + ")");
        }
    }

    @Test
    void theEarlierSaidStatementArrivingLastIsStoredClosedAfterTheRace() {
        // B reports the move; A, at the same moment, the older statement
        var a = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var b = new Said("I live in Boston.", T, "m1");
        for (Pause pause : Pause.values()) {
            Outcome race = race(List.of(a), List.of(b), pause);
            assertEquals(fromScratch(List.of(b, a)), race.state, "after a race paused " + pause);
            assertEquals(List.of("residence=denver"), race.state.current, pause.name());
        }
    }

    @Test
    void theSameClaimOnTwoServersAtOnceIsOneFact() {
        var a = new Said("I live in Boston.", T, "m1");
        var b = new Said("I live in Boston now.", T.plus(Duration.ofHours(1)), "m2");
        Outcome race = race(List.of(a), List.of(b), Pause.BEFORE_FACTS);
        State scratch = fromScratch(List.of(a, b));
        assertEquals(scratch, race.state);
        assertEquals(1, race.state.facts.size(), "one fact, reinforced: " + race.state.facts);
        assertTrue(race.conflicts > 0);
    }

    /**
     * Both servers read "I live in Boston" as current (server A stopped before it writes its facts)
     * and each closes it with its own move, said on different days. Whichever write of Boston
     * lands last, it ends closed by the move said first, on that day, and that move closed by the
     * later one: the history one engine builds from the statements in the order said. (Stopped
     * before its profile instead, A's facts are stored before B reads them, which is a sequential
     * build in the order the calls arrived.)
     */
    @Test
    void aFactBothRacingStatementsCloseIsClosedByTheOneSaidFirst() {
        var boston = new Said("I live in Boston.", T, "m1");
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var lisbon = new Said("I moved to Lisbon last month.", T.plus(Duration.ofDays(20)), "m3");
        State scratch = fromScratch(List.of(boston, denver, lisbon));
        for (boolean lisbonOnA : List.of(true, false)) {
            var shared = new SharedInMemoryStore();
            var clock = new ManualClock(T.plus(Duration.ofDays(100)));
            try (var b = engine(shared, clock)) {
                b.remember(MAYA, List.of(boston.message()));
                var onB = lisbonOnA ? denver : lisbon;
                var pausing = new PausingStore(shared, Pause.BEFORE_FACTS,
                        () -> b.remember(MAYA, List.of(onB.message())));
                try (var a = engine(pausing, clock)) {
                    a.remember(MAYA, List.of((lisbonOnA ? lisbon : denver).message()));
                }
                assertTrue(pausing.paused);
            }
            String race = lisbonOnA ? "Lisbon on A" : "Lisbon on B";
            assertEquals(scratch, State.of(shared), race);
            Memory closed = shared.list(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of()), 10).stream()
                    .filter(f -> "boston".equals(f.metadata().get("loci.value"))).findFirst().orElseThrow();
            Memory by = shared.get("acme", closed.lifecycle().supersededBy()).orElseThrow();
            assertEquals("denver", by.metadata().get("loci.value"), "Boston closed by the move said first: " + race);
        }
    }

    /**
     * Server A consolidates "I moved to Denver" on a view without B's "I live in Boston" and is
     * killed after storing its facts, before its profile: both facts stay current, and the profile
     * is B's. The user's next statement, on another subject ("I have a cat", through a third
     * server), finds the facts differ from those the profile was built from, settles them (Denver
     * closes Boston) and writes the profile one engine builds from scratch.
     */
    @Test
    void factsStoredWithoutTheirProfileAreSettledByTheUsersNextStatement() {
        var boston = new Said("I live in Boston.", T, "m1");
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var cat = new Said("I have a cat.", T.plus(Duration.ofDays(20)), "m3");
        var shared = new SharedInMemoryStore();
        var clock = new ManualClock(T.plus(Duration.ofDays(100)));
        storeFactsWithoutTheirProfile(shared, clock, boston, denver);
        State crashed = State.of(shared);
        assertEquals(List.of("residence=boston", "residence=denver"), crashed.current,
                "the killed server's fact is stored unsettled");
        assertFalse(crashed.profile.contains("denver"), "and the profile lacks it: " + crashed.profile);

        try (var c = engine(shared, clock)) {
            c.remember(MAYA, List.of(cat.message()));
        }
        State next = State.of(shared);
        assertEquals(fromScratch(List.of(boston, denver, cat)), next);
        assertEquals(Set.of("residence=denver", "pet=cat"), Set.copyOf(next.current));
    }

    /**
     * As above, but the user's next call says nothing a fact is read from ("Thanks, talk
     * tomorrow."): it still finds the facts differ from those the profile was built from, settles
     * them and writes the profile one engine builds from scratch.
     */
    @Test
    void factsStoredWithoutTheirProfileAreSettledByTheUsersNextCallWithoutAStatement() {
        var boston = new Said("I live in Boston.", T, "m1");
        var denver = new Said("I moved to Denver last month.", T.plus(Duration.ofDays(10)), "m2");
        var thanks = new Said("Thanks, talk tomorrow.", T.plus(Duration.ofDays(20)), "m3");
        var shared = new SharedInMemoryStore();
        var clock = new ManualClock(T.plus(Duration.ofDays(100)));
        storeFactsWithoutTheirProfile(shared, clock, boston, denver);
        assertEquals(List.of("residence=boston", "residence=denver"), State.of(shared).current(),
                "the killed server's fact is stored unsettled");

        try (var c = engine(shared, clock)) {
            c.remember(MAYA, List.of(thanks.message()));
        }
        assertEquals(fromScratch(List.of(boston, denver, thanks)), State.of(shared));
        assertEquals(List.of("residence=denver"), State.of(shared).current());
    }

    /**
     * Server B says {@code first} while server A, between reading the user's facts and writing its
     * own, says {@code second}; A is killed after storing its facts, before its profile.
     */
    private static void storeFactsWithoutTheirProfile(SharedInMemoryStore shared, ManualClock clock, Said first,
                                                      Said second) {
        try (var b = engine(shared, clock)) {
            var killed = new PausingStore(shared, Pause.BEFORE_FACTS, () -> b.remember(MAYA, List.of(first.message())));
            killed.killBeforeProfile = true;
            try (var a = engine(killed, clock)) {
                a.remember(MAYA, List.of(second.message()));
            }
            assertTrue(killed.paused);
        }
    }

    /**
     * Rounds of two calls racing, each call with several statements of which some contradict what
     * the other server says at the same moment: the end state is the one built from scratch.
     */
    @Test
    void manyRacingRoundsEndAsOneEngineBuildsFromScratch() {
        String[] places = {"Boston", "Denver", "Lisbon", "Austin", "Oslo", "Kyoto"};
        String[] pets = {"a cat", "a dog", "a parrot"};
        List<Said> aSays = new ArrayList<>();
        List<Said> bSays = new ArrayList<>();
        List<List<Said>> rounds = new ArrayList<>();
        for (int r = 0; r < 6; r++) {
            Instant at = T.plus(Duration.ofDays(3L * r));
            var x = new Said("I live in " + places[r] + ".", at, "a" + r);
            var y = new Said("I have " + pets[r % pets.length] + ". I moved to " + places[(r + 3) % places.length]
                    + " last month.", at.plus(Duration.ofDays(1)), "b" + r);
            aSays.add(x);
            bSays.add(y);
            rounds.add(List.of(x, y));
        }
        var shared = new SharedInMemoryStore();
        var clock = new ManualClock(T.plus(Duration.ofDays(100)));
        int conflicts = 0;
        try (var b = engine(shared, clock)) {
            for (int r = 0; r < rounds.size(); r++) {
                int round = r;
                var pausing = new PausingStore(shared, r % 2 == 0 ? Pause.BEFORE_FACTS : Pause.BEFORE_PROFILE,
                        () -> b.remember(MAYA, List.of(bSays.get(round).message())));
                try (var a = engine(pausing, clock)) {
                    a.remember(MAYA, List.of(aSays.get(r).message()));
                }
                conflicts += pausing.conflicts.get();
            }
        }
        // from scratch: each round's statements in the order they were said
        assertEquals(fromScratch(rounds.stream().flatMap(List::stream).toList()), State.of(shared));
        assertTrue(conflicts >= rounds.size(), "every round raced: " + conflicts + " conflicts");
    }

    /** The user's facts (value, open or closed) and profile text as a store holds them. */
    record State(List<String> facts, List<String> current, String profile) {
        static State of(MemoryStore store) {
            List<Memory> facts = store.list(new SearchFilter(MAYA, Set.of(Kind.FACT), null, Map.of()), 1000).stream()
                    .sorted(Comparator.comparing(Memory::occurredAt).thenComparing(m -> m.metadata().get("loci.value")))
                    .toList();
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

    record Outcome(State state, int conflicts) {
    }

    /** Server A remembers {@code aSays} and stops at {@code pause} while server B remembers {@code bSays}. */
    private static Outcome race(List<Said> aSays, List<Said> bSays, Pause pause) {
        var shared = new SharedInMemoryStore();
        var clock = new ManualClock(T.plus(Duration.ofDays(100)));
        try (var b = engine(shared, clock)) {
            var pausing = new PausingStore(shared, pause,
                    () -> b.remember(MAYA, bSays.stream().map(Said::message).toList()));
            try (var a = engine(pausing, clock)) {
                a.remember(MAYA, aSays.stream().map(Said::message).toList());
            }
            assertTrue(pausing.paused, "server A stopped " + pause + " and server B ran");
            return new Outcome(State.of(shared), pausing.conflicts.get());
        }
    }

    /** One engine over a store of its own, remembering the statements one call after the other. */
    private static State fromScratch(List<Said> said) {
        var store = new InMemoryStore();
        try (var engine = engine(store, new ManualClock(T.plus(Duration.ofDays(100))))) {
            for (Said s : said) {
                engine.remember(MAYA, List.of(s.message()));
            }
        }
        return State.of(store);
    }

    private static LociEngine engine(MemoryStore store, ManualClock clock) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).clock(clock).build();
    }

    /**
     * Server A's view of the shared store: the first time it writes facts, or a profile, it first
     * lets {@code other} (server B's call) run to the end. Counts A's refused profile writes.
     */
    static final class PausingStore extends ForwardingSharedStore<SharedInMemoryStore> {
        private final Pause pause;
        private final Runnable other;
        boolean paused;
        /** Fails every profile write, as a server killed after storing its facts. */
        boolean killBeforeProfile;

        PausingStore(SharedInMemoryStore shared, Pause pause, Runnable other) {
            super(shared);
            this.pause = pause;
            this.other = other;
        }

        private void maybePause(Pause at) {
            if (!paused && at == pause) {
                paused = true;
                other.run();
            }
        }

        @Override
        public void write(List<StoredMemory> batch) {
            if (batch.stream().anyMatch(s -> s.memory().kind() == Kind.FACT)) {
                maybePause(Pause.BEFORE_FACTS);
            }
            super.write(batch);
        }

        @Override
        public void writeIf(List<ConditionalWrite> batch) {
            if (batch.stream().anyMatch(w -> w.record().memory().kind() == Kind.PROFILE)) {
                maybePause(Pause.BEFORE_PROFILE);
                if (killBeforeProfile) {
                    throw new StorageException("the server was killed before its profile write", false);
                }
            }
            super.writeIf(batch);
        }
    }
}
