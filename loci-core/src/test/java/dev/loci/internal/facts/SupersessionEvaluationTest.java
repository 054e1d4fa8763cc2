package dev.loci.internal.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.facts.extract.PatternExtractor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Precision and recall of the pattern rule on hand-written cases, patterns only (no similarity is
 * passed): {@code supersession/cases.tsv}, written before the rules, and
 * {@code supersession/heldout.tsv}, written after they were frozen and never used to change them.
 * Prints a summary line and every misclassified case; asserts floors set below what was measured.
 */
class SupersessionEvaluationTest {
    private static final String SPEAKER = "Jordan";
    private static final Instant OLDER_AT = Instant.parse("2024-01-10T09:00:00Z");
    private static final Instant NEWER_AT = Instant.parse("2024-06-10T09:00:00Z");

    private record Case(int line, String older, String newer, boolean expected, String note) {
    }

    /**
     * Floors per file, below the measured values: cases.tsv measured precision 1.00, recall 0.91
     * (58/0/6/80); heldout.tsv measured precision 0.83, recall 0.18 (5/1/23/35): the dev set is
     * optimistic (same author as the rules), the held-out set leans the other way (chattier
     * phrasing, written knowing what the patterns cover). Counts are tp/fp/fn/tn.
     */
    @ParameterizedTest
    @CsvSource({
        "/supersession/cases.tsv,   120, 0.95, 0.80",
        "/supersession/heldout.tsv,  60, 0.70, 0.10"})
    void measuresPrecisionAndRecall(String file, int minCases, double minPrecision, double minRecall)
            throws IOException {
        List<Case> cases = load(file);
        assertTrue(cases.size() >= minCases, "expected at least " + minCases + " cases, found " + cases.size());
        Supersession rule = new Supersession(new PatternExtractor(), Supersession.Config.DEFAULTS);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Supersession.Decision d = rule.decide(new Supersession.Said(c.older(), SPEAKER, OLDER_AT),
                    new Supersession.Said(c.newer(), SPEAKER, NEWER_AT));
            if (d.supersedes() == c.expected()) {
                if (c.expected()) {
                    tp++;
                } else {
                    tn++;
                }
            } else {
                if (c.expected()) {
                    fn++;
                } else {
                    fp++;
                }
                wrong.add((c.expected() ? "  FN" : "  FP") + " line " + c.line() + ": \"" + c.older() + "\" -> \""
                        + c.newer() + "\" (" + c.note() + "); rule: " + d.reason());
            }
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        System.out.println(String.format(Locale.ROOT,
                "supersession: precision=%.2f recall=%.2f f1=%.2f on %d cases (%d/%d/%d/%d) in %s",
                precision, recall, f1, cases.size(), tp, fp, fn, tn, file));
        wrong.forEach(System.out::println);
        assertEquals(cases.size(), tp + fp + fn + tn);
        assertTrue(precision >= minPrecision, String.format(Locale.ROOT, "%s: precision %.3f < %.2f", file,
                precision, minPrecision));
        assertTrue(recall >= minRecall, String.format(Locale.ROOT, "%s: recall %.3f < %.2f", file, recall,
                minRecall));
    }

    private static List<Case> load(String file) throws IOException {
        InputStream in = SupersessionEvaluationTest.class.getResourceAsStream(file);
        assertNotNull(in, "test resource " + file + " is missing from the test classpath");
        List<Case> cases = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            boolean header = true;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 4) {
                    throw new IllegalStateException(file + " line " + number + ": expected 4 tab-separated columns "
                            + "(older, newer, expected, note), found " + f.length);
                }
                if (header) {
                    header = false;
                    if (f[0].equals("older")) {
                        continue;
                    }
                }
                if (!f[2].equals("true") && !f[2].equals("false")) {
                    throw new IllegalStateException(file + " line " + number + ": expected must be true or false, "
                            + "found '" + f[2] + "'");
                }
                cases.add(new Case(number, f[0], f[1], Boolean.parseBoolean(f[2]), f[3]));
            }
        }
        return cases;
    }
}
