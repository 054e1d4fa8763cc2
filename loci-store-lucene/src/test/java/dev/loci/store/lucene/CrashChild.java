package dev.loci.store.lucene;

import dev.loci.Scope;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.TestMemories;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Random;

/**
 * Child process of {@link CrashRecoveryIT}: writes random batches for ever and prints
 * {@code ACK <batch> <size>} after each write returns. The parent kills it with SIGKILL.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String round = args[1];
        var random = new Random(Long.parseLong(args[2]));
        var embedder = new HashingEmbedder(32);
        var scope = Scope.user("crash", "u" + round);
        // A small log threshold so checkpoints (commit + log truncation) also happen under the kill.
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults().withWalBytesBeforeCommit(200_000))) {
            System.out.println("OPEN " + store.stats().memories());
            System.out.flush();
            for (int batch = 0; ; batch++) {
                int size = 1 + random.nextInt(20);
                var memories = new ArrayList<StoredMemory>(size);
                for (int i = 0; i < size; i++) {
                    String id = "r" + round + "-b" + batch + "-" + i;
                    memories.add(TestMemories.stored(TestMemories.turn(id, scope, "s",
                            "round " + round + " batch " + batch + " item " + i + " of " + size + " " + random.nextLong(),
                            Instant.ofEpochSecond(1_700_000_000L + batch)), embedder));
                }
                store.write(memories);
                System.out.println("ACK " + batch + " " + size);
                System.out.flush();
            }
        }
    }
}
