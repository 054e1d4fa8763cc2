package dev.loci.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs {@code loci} in this JVM through {@link Main#run} and captures what it prints. The commands
 * write to {@code System.out}/{@code System.err}, so both are swapped for the duration of the call
 * (tests in this module run one at a time).
 */
record CliRun(int exit, String out, String err) {
    static CliRun of(String... args) {
        return withEnv(System.getenv(), args);
    }

    /** As {@link #of}, with {@code env} in place of the process environment. */
    static synchronized CliRun withEnv(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.run(env, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** For assertion messages: everything the run printed. */
    String transcript() {
        return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }

    /** Every file under {@code dir} with its size and content hash, to prove a run changed nothing. */
    static Map<String, String> snapshot(Path dir) {
        var files = new TreeMap<String, String>();
        if (!Files.exists(dir)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                if (p.getFileName().toString().equals("loci.lock")) {
                    continue; // an empty lock file, created and locked by every open
                }
                byte[] bytes = Files.readAllBytes(p);
                files.put(dir.relativize(p).toString(), bytes.length + ":" + java.util.Arrays.hashCode(bytes));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
