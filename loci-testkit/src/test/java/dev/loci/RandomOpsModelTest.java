package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of remember, forget and get against the facade, checked after every step
 * against a plain map of what should be stored: ingest is idempotent per client id, get agrees
 * with the model, and a forgotten memory is never recalled, even by its exact text.
 */
class RandomOpsModelTest {
    private static final List<Scope> WRITE_SCOPES = List.of(
            Scope.user("t0", "u0"), Scope.user("t0", "u1"), Scope.user("t0", "u0").withSession("s1"),
            Scope.user("t1", "u0"), Scope.tenant("t1"));
    /** Read scopes: the write scopes plus wider ones that cover several of them. */
    private static final List<Scope> READ_SCOPES;
    private static final String[] WORDS = {"cat", "violin", "lisbon", "garden", "marathon", "cake", "doctor",
        "train", "novel", "octopus", "bicycle", "sister"};

    static {
        var read = new ArrayList<>(WRITE_SCOPES);
        read.add(Scope.tenant("t0"));
        read.add(Scope.tenant("t2"));
        READ_SCOPES = List.copyOf(read);
    }

    /** What the model expects to be stored under one id. */
    private record Entry(Scope scope, String text) {
    }

    private final Map<String, Entry> live = new HashMap<>();
    /** Client id per (scope, clientId), as first returned by remember; stable even after forget. */
    private final Map<Scope, Map<String, String>> clientIds = new HashMap<>();
    private final Map<String, Entry> forgotten = new HashMap<>();
    private final Set<String> everSeen = new HashSet<>();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void randomOperationsMatchTheModel(long seed) {
        var random = new Random(seed);
        Rig rig = Rig.create(seed);
        Loci loci = rig.loci();
        int counter = 0;
        int forgets = 0;
        int skips = 0;
        for (int step = 0; step < 150; step++) {
            rig.clock().advance(Duration.ofSeconds(1 + random.nextInt(60)));
            int op = random.nextInt(10);
            String where = "seed " + seed + " step " + step;
            if (op < 5) {
                Scope scope = WRITE_SCOPES.get(random.nextInt(WRITE_SCOPES.size()));
                var batch = new ArrayList<Message>();
                int n = 1 + random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    String text = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]
                            + " note " + (counter++);
                    String clientId = random.nextInt(3) == 0 ? null : "c" + random.nextInt(15);
                    batch.add(Message.of("x", text, null).withClientId(clientId));
                }
                skips += remember(loci, scope, batch, where);
            } else if (op < 8) {
                String id = anyId(random);
                Scope scope = READ_SCOPES.get(random.nextInt(READ_SCOPES.size()));
                if (id != null && random.nextBoolean() && live.containsKey(id)) {
                    scope = live.get(id).scope(); // make real deletions frequent
                }
                Entry entry = live.get(id);
                boolean expected = entry != null && scope.covers(entry.scope());
                assertEquals(expected, loci.forget(scope, id), where + " forget " + id + " in " + scope);
                if (expected) {
                    forgets++;
                    forgotten.put(id, live.remove(id));
                    assertNeverRecalled(loci, id, forgotten.get(id), where);
                }
            } else {
                String id = anyId(random);
                Scope scope = READ_SCOPES.get(random.nextInt(READ_SCOPES.size()));
                Entry entry = live.get(id);
                var got = loci.get(scope, id);
                if (entry != null && scope.covers(entry.scope())) {
                    assertEquals(entry.text(), got.orElseThrow(() -> new AssertionError(where + " lost " + id)).text());
                } else {
                    assertTrue(got.isEmpty(), where + " get " + id + " in " + scope + " returned " + got);
                }
            }
            checkAll(loci, where);
        }
        for (var e : forgotten.entrySet()) {
            if (!live.containsKey(e.getKey())) {
                assertNeverRecalled(loci, e.getKey(), e.getValue(), "seed " + seed + " at end");
            }
        }
        assertTrue(forgets > 5 && skips > 5, "the sequence exercised forget (" + forgets + ") and skips (" + skips + ")");
    }

    /** Remembers a batch and updates the model; returns how many were skipped. */
    private int remember(Loci loci, Scope scope, List<Message> batch, String where) {
        var known = clientIds.computeIfAbsent(scope, s -> new HashMap<>());
        var inBatch = new HashSet<String>();
        int expectAdded = 0;
        for (Message m : batch) {
            String cid = m.clientId();
            boolean present = cid != null && known.containsKey(cid) && live.containsKey(known.get(cid));
            if (cid == null || (!present && inBatch.add(cid))) {
                expectAdded++;
            }
        }
        RememberResult r = loci.remember(scope, batch);
        assertEquals(expectAdded, r.added(), where + " added");
        assertEquals(batch.size() - expectAdded, r.skipped(), where + " skipped");
        assertEquals(batch.size(), r.ids().size());
        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            String id = r.ids().get(i);
            if (m.clientId() != null) {
                String before = known.putIfAbsent(m.clientId(), id);
                if (before != null) {
                    assertEquals(before, id, where + " client id " + m.clientId() + " changed its memory id");
                }
            } else {
                assertFalse(everSeen.contains(id), where + " fresh random id reused: " + id);
            }
            if (!live.containsKey(id)) {
                live.put(id, new Entry(scope, m.text())); // first copy in the batch wins
            }
            everSeen.add(id);
        }
        return r.skipped();
    }

    private String anyId(Random random) {
        if (everSeen.isEmpty() || random.nextInt(10) == 0) {
            return "m-unknown-" + random.nextInt(5);
        }
        var all = new ArrayList<>(everSeen);
        all.sort(null);
        return all.get(random.nextInt(all.size()));
    }

    /** Every id ever handed out reads back exactly as the model says, in its own scope and wider ones. */
    private void checkAll(Loci loci, String where) {
        for (String id : everSeen) {
            Entry entry = live.get(id);
            if (entry == null) {
                for (Scope s : READ_SCOPES) {
                    assertTrue(loci.get(s, id).isEmpty(), where + " forgotten " + id + " visible in " + s);
                }
                continue;
            }
            Memory m = loci.get(entry.scope(), id).orElseThrow(() -> new AssertionError(where + " lost " + id));
            assertEquals(entry.text(), m.text(), where);
            assertEquals(entry.scope(), m.scope(), where);
            assertTrue(loci.get(Scope.tenant(entry.scope().tenant()), id).isPresent(), where + " tenant scope");
        }
        assertEquals(live.size(), loci.stats().memories(), where + " memory count");
    }

    private static void assertNeverRecalled(Loci loci, String id, Entry entry, String where) {
        for (Scope s : List.of(entry.scope(), Scope.tenant(entry.scope().tenant()))) {
            RecallResult r = loci.recall(s, RecallQuery.of(entry.text()).withK(RecallQuery.MAX_K));
            assertTrue(r.results().stream().noneMatch(x -> x.memory().id().equals(id)),
                    where + " forgotten " + id + " recalled by its exact text in " + s);
        }
    }
}
