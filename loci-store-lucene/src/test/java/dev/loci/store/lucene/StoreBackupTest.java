package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.TestMemories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup of a store while a writer runs (and checkpoints), restore, and {@link LuceneMemoryStore#scan}. */
class StoreBackupTest {
    private static final Scope SCOPE = new Scope("acme", "maya", null, null);
    private final HashingEmbedder embedder = new HashingEmbedder(8);

    @TempDir
    Path tmp;

    private StoredMemory memory(int i) {
        return TestMemories.stored(TestMemories.turn(String.format("w%05d", i), SCOPE, "Maya", "write " + i,
                Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i)), embedder);
    }

    @Test
    void aBackupTakenWhileAWriterRunsHoldsEveryEarlierWriteAndNoHoles() throws Exception {
        Path dir = tmp.resolve("live");
        // A small log threshold: the writer checkpoints every few writes, racing the copy.
        var config = LuceneStoreConfig.defaults().withWalBytesBeforeCommit(4096);
        var acknowledged = new AtomicInteger();
        var stop = new AtomicBoolean();
        List<StoreBackup.Result> results = new ArrayList<>();
        List<Integer> ackedBefore = new ArrayList<>();
        try (var store = LuceneMemoryStore.open(dir, config)) {
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    store.write(List.of(memory(i)));
                    acknowledged.set(i + 1);
                }
            });
            try {
                while (acknowledged.get() < 50) {
                    Thread.sleep(5);
                }
                for (int b = 0; b < 2; b++) {
                    ackedBefore.add(acknowledged.get());
                    results.add(StoreBackup.backup(dir, tmp.resolve("backup-" + b)));
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        for (int b = 0; b < 2; b++) {
            StoreBackup.Result r = results.get(b);
            assertTrue(r.check().ok(), r.check().toString());
            Path restored = tmp.resolve("restored-" + b);
            assertTrue(StoreBackup.restore(tmp.resolve("backup-" + b), restored).ok());
            Set<String> ids = ids(restored);
            int n = ids.size();
            assertTrue(n >= ackedBefore.get(b), "backup " + b + " holds " + n + " of the " + ackedBefore.get(b)
                    + " writes acknowledged before it started");
            for (int i = 0; i < n; i++) {
                assertTrue(ids.contains(memory(i).memory().id()), "backup " + b + " has a hole at write " + i);
            }
        }
    }

    @Test
    void restoreRefusesADirectoryInUseAndADamagedBackup() throws IOException {
        Path dir = tmp.resolve("data");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(memory(0)));
        }
        Path backup = tmp.resolve("backup");
        assertEquals(0, StoreBackup.backup(dir, backup).check().lines(StoreReport.Level.ERROR).size());
        var notEmpty = assertThrows(InvalidInputException.class, () -> StoreBackup.restore(backup, dir));
        assertTrue(notEmpty.getMessage().contains("is not empty"), notEmpty.getMessage());
        var again = assertThrows(InvalidInputException.class, () -> StoreBackup.backup(dir, backup));
        assertEquals("out", again.field());

        try (var s = Files.list(backup.resolve("index"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("segments_")).toList()) {
                Files.delete(p);
            }
        }
        var damaged = assertThrows(StorageException.class, () -> StoreBackup.restore(backup, tmp.resolve("fresh")));
        assertTrue(damaged.getMessage().contains("is damaged") && damaged.getMessage().contains("nothing restored"),
                damaged.getMessage());
        assertTrue(!Files.exists(tmp.resolve("fresh")));
    }

    @Test
    void scanHandsOverEveryMemoryWholeInTenantThenIdOrder() {
        Path dir = tmp.resolve("scan");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            StoredMemory other = TestMemories.stored(TestMemories.turn("a1", new Scope("zeta", "u", null, null), "Z",
                    "other tenant", Instant.parse("2024-01-01T00:00:00Z")), embedder);
            store.write(List.of(memory(2), other, memory(1)));
            store.recordAccess("acme", List.of("w00001"), Instant.parse("2025-01-01T00:00:00Z"));
            List<StoredMemory> seen = new ArrayList<>();
            assertEquals(3, store.scan(m -> true, seen::add));
            assertEquals(List.of("w00001", "w00002", "a1"), seen.stream().map(m -> m.memory().id()).toList());
            assertEquals(1, seen.getFirst().memory().lifecycle().accessCount(), "pending access counts included");
            assertEquals(memory(1).embedding(), seen.getFirst().embedding());
            assertEquals(memory(1).indexText(), seen.getFirst().indexText());
            assertEquals(1, store.scan(m -> m.scope().tenant().equals("zeta"), m -> { }));
        }
    }

    private static Set<String> ids(Path dir) {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            Set<String> out = new HashSet<>();
            for (Memory m : store.list(SearchFilter.of(SCOPE), 1_000_000)) {
                out.add(m.id());
            }
            return out;
        }
    }
}
