package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.DataDirLockedException;
import dev.loci.FormatVersionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's lock and format marker. */
class DataDirTest {
    @TempDir
    Path dir;

    @Test
    void secondOpenInSameProcessIsRefusedClearly() {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            var e = assertThrows(DataDirLockedException.class, () -> LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertEquals(0, store.stats().memories(), "first instance still works");
        }
        // released on close
        LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()).close();
    }

    @Test
    void secondProcessIsRefusedClearly() throws Exception {
        try (var store = LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults())) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules",
                    "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    OpenChild.class.getName(), dir.toString())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue(), out);
            assertTrue(out.contains("in use by another Loci instance"), out);
        }
    }

    @Test
    void formatMarkerIsWrittenAndChecked() throws IOException {
        LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()).close();
        assertEquals("loci-data-dir 1\n", Files.readString(dir.resolve("FORMAT")));
        Files.writeString(dir.resolve("FORMAT"), "loci-data-dir 99\n");
        var e = assertThrows(FormatVersionException.class, () -> LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void refusesADirectoryThatIsNotLoci() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "my files");
        var e = assertThrows(FormatVersionException.class, () -> LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()));
        assertTrue(e.getMessage().contains("no FORMAT marker"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("notes.txt")), "foreign file untouched");
    }

    /** Tries to open the directory given as argument; exits 3 if it is locked. */
    public static final class OpenChild {
        private OpenChild() {
        }

        public static void main(String[] args) {
            try (var store = LuceneMemoryStore.open(Path.of(args[0]), LuceneStoreConfig.defaults())) {
                System.out.println("opened " + store.stats().memories());
                System.exit(0);
            } catch (DataDirLockedException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
