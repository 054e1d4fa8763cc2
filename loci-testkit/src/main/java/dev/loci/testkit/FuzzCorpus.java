package dev.loci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The regression corpus of a fuzz target: small inputs kept in the repository under
 * {@code src/test/resources/fuzz-corpus/<target>/} of the module that fuzzes it (inputs that once
 * found a bug, boundary cases, the valid seeds), replayed by the target's test on every build so
 * that what a long run found stays found. A corpus file is the raw input the target's check reads
 * (bytes, not an encoding of them); a {@code README.md} in the corpus directory says what each
 * file is and is not replayed.
 *
 * <p>The long runs ({@code scripts/fuzz}) set the system property {@value #SAVE_TO} to the
 * module's {@code src/test/resources/fuzz-corpus}: an input that fails, or runs for longer than
 * {@link Mutator#HANG_MILLIS_PROPERTY}, is written there as {@code <target>/failure-<hash>} or
 * {@code <target>/hang-<hash>} before the run stops, ready to be committed with the fix.
 */
public final class FuzzCorpus {
    /** System property naming the directory under which failing inputs are saved, per target. */
    public static final String SAVE_TO = "loci.fuzz.corpus";
    private static final String ROOT = "fuzz-corpus/";

    /** The check of one corpus input; any exception or assertion error is a failure. */
    @FunctionalInterface
    public interface Check {
        void accept(byte[] input) throws Exception;
    }

    private FuzzCorpus() {
    }

    /**
     * Every input of {@code fuzz-corpus/<target>/} on the class path, by file name (sorted);
     * {@code README.md} is not an input.
     */
    public static SortedMap<String, byte[]> load(String target) {
        SortedMap<String, byte[]> inputs = new TreeMap<>();
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            for (URL url : Collections.list(loader.getResources(ROOT + target))) {
                readDirectory(url.toURI(), inputs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return inputs;
    }

    private static void readDirectory(URI uri, SortedMap<String, byte[]> into) throws IOException {
        if (!"jar".equals(uri.getScheme())) {
            readFiles(Path.of(uri), into);
            return;
        }
        FileSystem fs;
        boolean opened = false;
        try {
            fs = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            fs = FileSystems.getFileSystem(uri);
        }
        try {
            readFiles(fs.provider().getPath(uri), into);
        } finally {
            if (opened) {
                fs.close();
            }
        }
    }

    private static void readFiles(Path dir, SortedMap<String, byte[]> into) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!name.equals("README.md")) {
                into.put(name, Files.readAllBytes(f));
            }
        }
    }

    /**
     * One dynamic test per corpus input of {@code target}, named after its file, each running
     * {@code check} on it. Fails when the corpus is missing or empty (a moved directory must not
     * turn the regression tests into no tests).
     */
    public static Stream<DynamicTest> tests(String target, Check check) {
        SortedMap<String, byte[]> inputs = load(target);
        if (inputs.isEmpty()) {
            throw new AssertionError("no fuzz corpus for " + target + ": expected files under src/test/resources/"
                    + ROOT + target + "/");
        }
        List<DynamicTest> tests = new ArrayList<>();
        inputs.forEach((name, input) -> tests.add(DynamicTest.dynamicTest(target + "/" + name, () -> {
            try {
                check.accept(input);
            } catch (Throwable t) {
                throw new AssertionError("fuzz corpus " + target + "/" + name + ": " + t, t);
            }
        })));
        return tests.stream();
    }

    /**
     * Writes {@code input} to {@code <loci.fuzz.corpus>/<target>/<prefix>-<hash>} when that
     * property is set, and returns the file; {@code null} when it is not set or the write fails
     * (the failure being reported matters more than the copy).
     */
    public static Path save(String target, String prefix, byte[] input) {
        String root = System.getProperty(SAVE_TO);
        if (root == null || root.isBlank()) {
            return null;
        }
        try {
            Path dir = Files.createDirectories(Path.of(root, target));
            Path file = dir.resolve(prefix + "-" + hash(input));
            return Files.write(file, input);
        } catch (IOException | RuntimeException e) {
            System.err.println("fuzz " + target + ": could not save the input under " + root + ": " + e);
            return null;
        }
    }

    private static String hash(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
