package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store on a real small file system (a tmpfs mounted for the test) that fills up or turns
 * read-only: the write that does not fit is refused with the system's reason, reads go on,
 * nothing acknowledged is lost, and writes resume in the same process once there is room again.
 * Mounting needs root (or CAP_SYS_ADMIN); elsewhere the test is skipped and says so.
 */
class DiskFullIT {
    private static final Scope SCOPE = new Scope("acme", "maya", null, null);
    private final HashingEmbedder embedder = new HashingEmbedder(64);

    @TempDir
    Path tmp;
    Path mount;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        mount = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()) == 0,
                "cannot mount a tmpfs here (needs root): the disk-full test is skipped");
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", mount.toString());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    private StoredMemory memory(int i) {
        return TestMemories.stored(TestMemories.turn("m" + i, SCOPE, "Maya", "note " + i + " " + "x".repeat(300),
                Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i)), embedder);
    }

    /** Writes until a write is refused; reads every few writes. Returns the acknowledged ids. */
    private List<String> fill(LuceneMemoryStore store, int from) {
        List<String> acknowledged = new ArrayList<>();
        for (int i = from; i < from + 100_000; i++) {
            try {
                store.write(List.of(memory(i)));
            } catch (StorageException e) {
                assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
                return acknowledged;
            }
            acknowledged.add("m" + i);
            if (i % 7 == 0) {
                try {
                    store.count(SearchFilter.of(SCOPE));
                } catch (StorageException e) {
                    throw new AssertionError("a read failed on a full disk: " + e.getMessage(), e);
                }
            }
        }
        throw new AssertionError("256 KiB never filled up");
    }

    @Test
    void aFullDiskRefusesWritesKeepsReadsAndResumesWhenThereIsRoom() throws Exception {
        Path dir = mount.resolve("data");
        List<String> acknowledged;
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            acknowledged = fill(store, 0);
            assertTrue(acknowledged.size() > 20, "acknowledged before the disk filled: " + acknowledged.size());
            var refused = assertThrows(StorageException.class, () -> store.write(List.of(memory(999_999))));
            assertTrue(refused.isRetriable(), "a full disk is worth retrying once there is room");
            assertTrue(store.get("acme", acknowledged.getFirst()).isPresent(), "reads go on");
            assertTrue(store.count(SearchFilter.of(SCOPE)) > 0);

            assertEquals(0, run("mount", "-o", "remount,size=16m", mount.toString()));
            store.write(List.of(memory(1_000_000)));
            acknowledged.add("m1000000");
            for (String id : acknowledged) {
                assertTrue(store.get("acme", id).isPresent(), "acknowledged " + id + " is readable in the same process");
            }
        }
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            for (String id : acknowledged) {
                assertTrue(store.get("acme", id).isPresent(), "acknowledged " + id + " survives a reopen");
            }
        }
        StoreReport check = StoreCheck.check(dir);
        assertTrue(check.ok(), check.toString());
    }

    /**
     * Linux refuses to remount a file system read-only while a file on it is open for writing (the
     * log is), so a store cannot see its disk turn read-only under it; what it can meet is a data
     * directory on a disk mounted read-only, and that disk becoming writable again.
     */
    @Test
    void aReadOnlyDiskIsRefusedWithTheReasonAndServesOnceWritable() throws Exception {
        Path dir = mount.resolve("data");
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            store.write(List.of(memory(1), memory(2)));
        }
        assertEquals(0, run("mount", "-o", "remount,ro", mount.toString()));
        var refused = assertThrows(StorageException.class, () -> LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()));
        assertTrue(refused.getMessage().contains(dir.toString()) && refused.getMessage().contains("Read-only file system"),
                refused.getMessage());
        assertEquals(0, run("mount", "-o", "remount,rw", mount.toString()));
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            assertEquals(2, store.count(SearchFilter.of(SCOPE)));
            store.write(List.of(memory(3)));
        }
        assertTrue(StoreCheck.check(dir).ok());
    }
}
