package dev.loci.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a long fuzz run keeps what it found: the failing or hanging input lands in the target's corpus. */
class FuzzCorpusTest {
    @TempDir
    Path corpus;

    @AfterEach
    void clearProperties() {
        System.clearProperty(FuzzCorpus.SAVE_TO);
        System.clearProperty(Mutator.HANG_MILLIS_PROPERTY);
    }

    @Test
    void aFailingInputIsSavedToTheTargetsCorpusAndNamedInTheFailure() throws Exception {
        System.setProperty(FuzzCorpus.SAVE_TO, corpus.toString());
        byte[] bad = "the input that breaks it".getBytes(StandardCharsets.UTF_8);
        AssertionError e = assertThrows(AssertionError.class, () -> Mutator.run("demo", 50,
                m -> m.random().nextInt(10) == 3 ? bad : m.mutate("fine".getBytes(StandardCharsets.UTF_8)),
                (m, input) -> {
                    if (input == bad) {
                        throw new IllegalStateException("boom");
                    }
                }));
        List<Path> saved;
        try (Stream<Path> files = Files.list(corpus.resolve("demo"))) {
            saved = files.toList();
        }
        assertEquals(1, saved.size(), "one input saved: " + saved);
        assertTrue(saved.get(0).getFileName().toString().startsWith("failure-"), saved.toString());
        assertArrayEquals(bad, Files.readAllBytes(saved.get(0)), "the input exactly as the check saw it");
        assertTrue(e.getMessage().contains("boom") && e.getMessage().contains("seed 20261205")
                && e.getMessage().contains(saved.get(0).toString()), e.getMessage());
    }

    @Test
    void anExecutionRunningPastTheLimitIsAHangAndItsInputIsSaved() throws Exception {
        System.setProperty(FuzzCorpus.SAVE_TO, corpus.toString());
        System.setProperty(Mutator.HANG_MILLIS_PROPERTY, "50");
        byte[] slow = {1, 2, 3};
        AssertionError e = assertThrows(AssertionError.class, () -> Mutator.run("slow", 5, m -> slow,
                (m, input) -> Thread.sleep(400)));
        assertTrue(e.getMessage().contains("ran longer than 50 ms"), e.getMessage());
        try (Stream<Path> files = Files.list(corpus.resolve("slow"))) {
            Path hang = files.findFirst().orElseThrow();
            assertTrue(hang.getFileName().toString().startsWith("hang-"), hang.toString());
            assertArrayEquals(slow, Files.readAllBytes(hang));
        }
    }

    @Test
    void withoutADirectoryNothingIsSavedAndTheFailureSaysHowToKeepIt() {
        AssertionError e = assertThrows(AssertionError.class, () -> Mutator.run("demo", 1, m -> new byte[] {7},
                (m, input) -> {
                    throw new IllegalStateException("boom");
                }));
        assertTrue(e.getMessage().contains("-D" + FuzzCorpus.SAVE_TO + "=DIR"), e.getMessage());
    }

    @Test
    void theCorpusIsReadFromTheClassPathWithoutItsReadme() {
        var inputs = FuzzCorpus.load("time-expressions");
        assertTrue(inputs.containsKey("count-too-big-for-an-int.txt"), inputs.keySet().toString());
        assertTrue(!inputs.containsKey("README.md"));
        assertEquals("99999999999 days ago", new String(inputs.get("count-too-big-for-an-int.txt"), StandardCharsets.UTF_8));
        assertThrows(AssertionError.class, () -> FuzzCorpus.tests("no-such-target", input -> { }));
    }
}
