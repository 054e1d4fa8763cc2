package dev.loci.store.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads every byte of every file under a directory, looking for strings' UTF-8 bytes. Stored
 * fields are compressed in blocks, so a long text can be cut at a block edge; tests look for
 * several distinctive words rather than one long string.
 */
final class DataDirScan {
    private DataDirScan() {
    }

    /** Paths (relative to {@code root}) of the files whose bytes contain {@code text} in UTF-8. */
    static List<String> filesContaining(Path root, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        var found = new ArrayList<String>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                if (indexOf(Files.readAllBytes(p), needle) >= 0) {
                    found.add(root.relativize(p).toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Those of {@code words} that occur in some file under {@code root}, in the given order. */
    static List<String> found(Path root, List<String> words) {
        return words.stream().filter(w -> !filesContaining(root, w).isEmpty()).toList();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
