package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code loci demo} with the real engine: one run, then its output is checked section by section. */
class CliDemoTest {
    /** A result row: rank, fused score, bm25 and dense rank/score (or "-"), date, speaker, text. */
    private static final Pattern ROW = Pattern.compile(
            "(\\d+)\\s+(\\d\\.\\d{5})\\s+(\\d+/\\d+\\.\\d{3}|-)\\s+(\\d+/\\d+\\.\\d{3}|-)\\s+(\\d{4}-\\d{2}-\\d{2})\\s+(\\S+)\\s+(.*)");
    private static final String HEADER = "#    fused    bm25 rank/sc  dense rank/sc date       speaker      text";

    private static CliRun run;
    /** Each "» title (ms)" section's result rows, by title. */
    private static final Map<String, List<Matcher>> SECTIONS = new LinkedHashMap<>();

    @BeforeAll
    static void runTheDemo() {
        run = CliRun.of("demo");
        assertEquals(0, run.exit(), run.transcript());
        String title = null;
        List<String> lines = run.out().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("» ")) {
                title = line.substring(2).replaceAll("\\s+\\(\\d+\\.\\d ms\\)$", "");
                assertEquals(HEADER, lines.get(i + 1), "a header under " + title);
                SECTIONS.put(title, new ArrayList<>());
            } else if (title != null && !line.isBlank() && !line.equals(HEADER)) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    SECTIONS.get(title).add(m);
                } else {
                    title = null; // the closing explanation
                }
            }
        }
    }

    private static List<Matcher> rows(String title) {
        assertTrue(SECTIONS.containsKey(title), "section '" + title + "' in:\n" + run.out());
        return SECTIONS.get(title);
    }

    @Test
    void remembersTheWholeSampleConversation() {
        assertTrue(run.out().contains("remembered 36 turns (36 new) in "), run.out());
        assertTrue(run.out().matches("(?s).*embedder: bge-small-en-v1\\.5-q \\(local ONNX, 384 dimensions, loaded in \\d+\\.\\d s\\).*"),
                run.out());
    }

    @Test
    void asksEachQuestionAndShowsThreeRankedResults() {
        assertEquals(List.of("What is the name of Maya's dog?", "Does Maya have any food allergies?",
                "Why is she thinking about moving to Berlin?",
                "How far could she run before the half marathon training started?",
                "work news (only what happened in May 2024)"), List.copyOf(SECTIONS.keySet()));
        SECTIONS.forEach((title, rows) -> {
            assertEquals(3, rows.size(), title);
            double previous = Double.MAX_VALUE;
            for (int i = 0; i < rows.size(); i++) {
                Matcher row = rows.get(i);
                assertEquals(i + 1, Integer.parseInt(row.group(1)), title);
                double fused = Double.parseDouble(row.group(2));
                assertTrue(fused > 0 && fused <= previous, title + ": fused scores descend");
                previous = fused;
                assertFalse(row.group(3).equals("-") && row.group(4).equals("-"),
                        title + ": every result came from BM25 or dense search: " + row.group());
            }
        });
    }

    @Test
    void theDogsNameIsTheTopAnswer() {
        String top = rows("What is the name of Maya's dog?").get(0).group(7);
        assertTrue(top.contains("We called her Biscuit"), top);
    }

    @Test
    void thePeanutAllergyIsTheTopAnswer() {
        Matcher top = rows("Does Maya have any food allergies?").get(0);
        assertTrue(top.group(7).contains("I'm seriously allergic"), top.group());
        assertEquals("Maya", top.group(6));
        assertEquals("2024-03-02", top.group(5));
    }

    @Test
    void theTimeRangeKeepsResultsInMay() {
        for (Matcher row : rows("work news (only what happened in May 2024)")) {
            assertTrue(row.group(5).startsWith("2024-05-"), row.group());
        }
    }

    @Test
    void theTemporaryDataDirectoryIsRemovedAfterwards() {
        Matcher m = Pattern.compile("(?m)^Loci demo: .* in (\\S+)$").matcher(run.out());
        assertTrue(m.find(), run.out());
        Path dir = Path.of(m.group(1));
        assertTrue(dir.getFileName().toString().startsWith("loci-demo"), dir.toString());
        assertFalse(Files.exists(dir), dir + " still exists");
        assertEquals("", run.err().lines().filter(l -> l.contains("could not remove")).findAny().orElse(""));
    }
}
