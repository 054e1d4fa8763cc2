package dev.loci.store.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.ForwardingSharedStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two engines (two servers: each its own store client, caches and locks) over one index of the
 * real 3-node cluster remember <em>different</em> statements of the <em>same</em> user at the same
 * moment, round after round: on one "I live in X", on the other "I have a pet. I moved to Y last
 * month." said a day later. Neither can see the other's statement while it consolidates its own, so
 * a contradiction between them is missed unless the profile write of one of them is refused and it
 * settles. At the end each user's facts (one per statement), current facts and profile are the
 * ones a single engine builds from scratch from the same statements.
 */
@ExtendWith(ElasticsearchCluster.class)
class SameUserTwoEnginesIT {
    static final int USERS = 2;
    static final int ROUNDS = 4;
    static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");
    static final String[] PLACES = {"Boston", "Denver", "Lisbon", "Austin", "Oslo", "Kyoto", "Quito"};
    static final String[] PETS = {"a cat", "a dog", "a parrot"};

    @Test
    void contradictingStatementsOfOneUserOnTwoServersAtOnceEndAsFromScratch() throws Exception {
        String index = TestIndices.fresh("same-user");
        AtomicInteger conflicts = new AtomicInteger();
        try (var storeA = new Counting(ElasticsearchMemoryStore.open(TestIndices.config(index).build()), conflicts);
             var storeB = new Counting(ElasticsearchMemoryStore.open(TestIndices.config(index).build()), conflicts);
             var a = engine(storeA);
             var b = engine(storeB);
             ExecutorService pool = Executors.newFixedThreadPool(2 * USERS)) {
            long start = System.nanoTime();
            var together = new CyclicBarrier(2 * USERS);
            List<Future<?>> done = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                int user = u;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        together.await(1, TimeUnit.MINUTES);
                        a.remember(scope(user), List.of(said(user, r, true)));
                    }
                    return null;
                }));
                done.add(pool.submit(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        together.await(1, TimeUnit.MINUTES);
                        b.remember(scope(user), List.of(said(user, r, false)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            try (var reader = ElasticsearchMemoryStore.open(TestIndices.config(index).build())) {
                for (int user = 0; user < USERS; user++) {
                    assertEquals(fromScratch(user), State.of(reader, user),
                            "user " + user + " after " + ROUNDS + " racing rounds (" + conflicts.get()
                                    + " profile writes refused and settled in all)");
                }
            }
            System.out.println("SameUserTwoEnginesIT: " + conflicts.get() + " profile conflicts over " + USERS * ROUNDS
                    + " racing rounds in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } finally {
            TestIndices.delete(index);
        }
    }

    /** Round {@code r} of a user: on server A where they live, on server B a pet and a move, said a day later. */
    static Message said(int user, int r, boolean onA) {
        Instant at = T0.plus(Duration.ofDays(3L * r));
        String text = onA ? "I live in " + PLACES[(r + user) % PLACES.length] + "."
                : "I have " + PETS[(r + user) % PETS.length] + ". I moved to " + PLACES[(r + user + 3) % PLACES.length]
                        + " last month.";
        return new Message("user", "User" + user, text, onA ? at : at.plus(Duration.ofDays(1)),
                (onA ? "a" : "b") + user + "-" + r, null);
    }

    static Scope scope(int user) {
        return new Scope("acme", "user-" + user, null, "s1");
    }

    /** The user's facts and profile as one engine over an in-memory store builds them, one statement after another. */
    static State fromScratch(int user) {
        var store = new InMemoryStore();
        try (var engine = engine(store)) {
            for (int r = 0; r < ROUNDS; r++) {
                engine.remember(scope(user), List.of(said(user, r, true)));
                engine.remember(scope(user), List.of(said(user, r, false)));
            }
        }
        return State.of(store, user);
    }

    static LociEngine engine(MemoryStore store) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).build();
    }

    /**
     * Every fact (attribute=value, when said: one per statement, none doubled), the current ones,
     * and the profile text. Which later statement closed a fact, and so when, is left out: after a
     * race it may be a later one than in a sequential build (see docs/ARCHITECTURE.md).
     */
    record State(List<String> facts, List<String> current, String profile) {
        static State of(MemoryStore store, int user) {
            Scope person = Scope.user("acme", "user-" + user);
            List<Memory> all = store.list(new SearchFilter(person, Set.of(Kind.FACT), null, Map.of()), 1000);
            List<Memory> profiles = store.list(new SearchFilter(person, Set.of(Kind.PROFILE), null, Map.of()), 10);
            assertEquals(1, profiles.size(), "one profile for user " + user + ": " + profiles);
            return new State(all.stream().map(State::said).sorted().toList(),
                    all.stream().filter(f -> f.validTo() == null).map(State::said).sorted().toList(),
                    profiles.get(0).text());
        }

        private static String said(Memory f) {
            return f.metadata().get("loci.attribute") + "=" + f.metadata().get("loci.value") + " said " + f.occurredAt();
        }
    }

    /** A server's store client, counting the profile writes refused because the other server changed it first. */
    static final class Counting extends ForwardingSharedStore<ElasticsearchMemoryStore> {
        Counting(ElasticsearchMemoryStore es, AtomicInteger conflicts) {
            super(es, conflicts);
        }
    }
}
