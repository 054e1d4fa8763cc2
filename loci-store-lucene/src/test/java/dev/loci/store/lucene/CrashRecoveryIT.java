package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL at random moments, repeatedly, on the same data
 * directory. After each kill: every acknowledged batch is there in full, and every batch that is
 * there at all is there in full (atomic batches). The opens after kills replay log records
 * ({@code recoveredRecords} in the store's stats), the open after a clean close replays none.
 */
class CrashRecoveryIT {
    private static final int ROUNDS = 6;
    /** Acknowledged batches a child writes before it is killed: a seeded number in [MIN, MAX). */
    private static final int MIN_ACKS = 5;
    private static final int MAX_ACKS = 120;

    @TempDir
    Path dir;
    private long replayedAfterKills;

    @Test
    void acknowledgedWritesSurviveKillNine() throws Exception {
        var random = new Random(42);
        Map<String, Integer> acked = new ConcurrentHashMap<>(); // "round/batch" -> size
        for (int round = 0; round < ROUNDS; round++) {
            Process child = startChild(round, random.nextLong());
            var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = reader.readLine();
            assertTrue(first != null && first.startsWith("OPEN"), "child failed to open: " + first + "\n" + errors(child));
            int r = round;
            // Killed after a seeded number of acknowledged batches, not after a time: as far into
            // its writes (checkpoints included) however slow the machine; the kill still lands
            // wherever the child happens to be in the writes that follow.
            var acksBeforeKill = new CountDownLatch(MIN_ACKS + random.nextInt(MAX_ACKS - MIN_ACKS));
            var pump = Thread.ofVirtual().start(() -> {
                try {
                    for (String line; (line = reader.readLine()) != null; ) {
                        String[] p = line.split(" ");
                        if (p[0].equals("ACK")) {
                            acked.put(r + "/" + p[1], Integer.parseInt(p[2]));
                            acksBeforeKill.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // the child died mid-line
                }
            });
            assertTrue(acksBeforeKill.await(120, TimeUnit.SECONDS),
                    "the child stopped acknowledging\n" + errors(child));
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            pump.join();
            verify(acked, round);
        }
        assertTrue(acked.size() > ROUNDS, "children acknowledged too little to mean anything: " + acked.size());
        assertTrue(replayedAfterKills > 0, "no open after a SIGKILL replayed a log record: the figure reports nothing");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) { // after verify's clean close
            assertEquals("0", store.stats().details().get("recoveredRecords"), "a clean close leaves nothing to replay");
        }
    }

    private void verify(Map<String, Integer> acked, int lastRound) {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            replayedAfterKills += Integer.parseInt(store.stats().details().get("recoveredRecords"));
            for (var e : acked.entrySet()) {
                String[] rb = e.getKey().split("/");
                for (int i = 0; i < e.getValue(); i++) {
                    String id = "r" + rb[0] + "-b" + rb[1] + "-" + i;
                    assertTrue(store.get("crash", id).isPresent(), "acknowledged memory lost: " + id);
                }
            }
            // The batch in flight when killed is either complete or absent.
            for (int round = 0; round <= lastRound; round++) {
                String prefix = "r" + round + "-b" + (maxBatch(acked, round) + 1) + "-";
                var first = store.get("crash", prefix + 0);
                if (first.isPresent()) {
                    String text = first.get().text();
                    int size = Integer.parseInt(text.substring(text.indexOf(" of ") + 4).split(" ")[0]);
                    for (int i = 0; i < size; i++) {
                        assertTrue(store.get("crash", prefix + i).isPresent(), "torn batch: " + prefix + i + " missing");
                    }
                }
            }
            long expectedAtLeast = acked.values().stream().mapToLong(Integer::longValue).sum();
            assertTrue(store.stats().memories() >= expectedAtLeast);
            assertTrue(store.stats().memories() <= expectedAtLeast + 20L * (lastRound + 1),
                    "more memories than acknowledged plus one in-flight batch per round");
        }
    }

    private static int maxBatch(Map<String, Integer> acked, int round) {
        return acked.keySet().stream().filter(k -> k.startsWith(round + "/"))
                .mapToInt(k -> Integer.parseInt(k.substring(k.indexOf('/') + 1))).max().orElse(-1);
    }

    private Process startChild(int round, long seed) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                dir.toString(), Integer.toString(round), Long.toString(seed));
        return new ProcessBuilder(cmd).redirectError(dir.resolveSibling(dir.getFileName() + "-child" + round + ".err")
                .toFile()).start();
    }

    private String errors(Process child) {
        try {
            return java.nio.file.Files.readString(dir.resolveSibling(dir.getFileName() + "-child0.err"));
        } catch (IOException e) {
            return "(no stderr)";
        }
    }
}
