package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's figures: the GC log read as it grows, the trend over the steady part, the spread of the
 * per-minute p99; and its check that every result a client gets is its own tenant's.
 */
class SoakBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void theGcLogGivesTheSmallestHeapAfterACollectionSinceTheLastReadAndTheLastFullOne() throws Exception {
        Path log = dir.resolve("gc.log");
        Files.writeString(log, """
                [0.010s] Using G1
                [1.200s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->9M(64M) 3.1ms
                [2.400s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 40M->12M(64M) 2.0ms
                [3.000s] GC(2) Pause Young (Norm""");
        var gc = new SoakBenchmark.GcLog(log);
        gc.read();
        assertEquals(9, gc.afterMinSinceRead());
        assertEquals(-1, gc.lastFullAfter());
        assertEquals(64, gc.committed());
        assertEquals(12, gc.afterMinSinceRead(), "no collection since: the last one's figure");

        // the line cut short is completed by the next write
        Files.writeString(log, "al) (G1 Evacuation Pause) 50M->30M(128M) 2.5ms\n"
                + "[4.000s] GC(3) Pause Full (System.gc()) 31M->20M(128M) 40.0ms\n",
                java.nio.file.StandardOpenOption.APPEND);
        gc.read();
        assertEquals(20, gc.afterMinSinceRead());
        assertEquals(20, gc.lastFullAfter());
        assertEquals(128, gc.committed());
    }

    @Test
    void aResultOfAnotherTenantOrUserOrWithATagTheClientDidNotWriteIsCountedAcrossTenants() throws Exception {
        var c = new SoakBenchmark.Client(1, 2, 7, Map.of("soak-t0", "k0", "soak-t1", "k1"));
        assertEquals("soak-t1", c.tenant);
        assertEquals("u0", c.user, "the same user ids in every tenant");
        assertEquals("k1", c.token);
        String tag = c.tag();
        assertTrue(tag.matches("\\[tenant=soak-t1 nonce=[0-9a-f]+\\]"), tag);
        String nonce = tag.substring(tag.indexOf("nonce=") + 6, tag.length() - 1);

        assertTrue(c.own("recall", memory("soak-t1", "u0", "Note 1 " + tag + " from u0: bees")));
        assertTrue(c.own("recall", memory("soak-t1", "u0", "an episode without a tag")), "judged by its scope");
        assertEquals(0, c.crossTenant);
        assertEquals(null, c.firstError);

        assertFalse(c.own("recall", memory("soak-t0", "u0", "Note 1 " + tag + " from u0: bees")), "another tenant");
        assertTrue(c.firstError.contains("soak-t1/u0 got a memory of soak-t0/u0"), c.firstError);
        assertFalse(c.own("list", memory("soak-t1", "u1", "Note 1 " + tag + " from u0: bees")), "another user");
        assertFalse(c.own("get", memory("soak-t1", "u0", "Note 2 [tenant=soak-t0 nonce=" + nonce + "] from u0")),
                "the text names another tenant");
        assertFalse(c.own("get", memory("soak-t1", "u0", "Note 3 " + tag + " and [tenant=soak-t1 nonce=abc123]")),
                "a nonce this client never wrote");
        assertEquals(4, c.crossTenant);
        assertEquals(0, c.errors, "counted apart from the errors");
    }

    private static com.fasterxml.jackson.databind.JsonNode memory(String tenant, String user, String text)
            throws Exception {
        return dev.loci.json.LociJson.mapper().readTree("{\"id\":\"m1\",\"scope\":{\"tenant\":\"" + tenant
                + "\",\"userId\":\"" + user + "\"},\"text\":\"" + text + "\"}");
    }

    @Test
    void theSpreadOfThePerMinuteFiguresIsTheirMinimumMedianAndMaximum() {
        assertEquals("; min 80, median 95, max 400", SoakBenchmark.spread(List.of(400.0, 90.0, 80.0, 100.0)));
        assertEquals("; min 7, median 7, max 7", SoakBenchmark.spread(List.of(7.0)));
        assertEquals("", SoakBenchmark.spread(List.of()));
    }

    @Test
    void theTrendIsTheSlopePerHourAndTheFirstAndLastTenMinutesOfTheSteadyPart() {
        List<SoakBenchmark.Sample> samples = new ArrayList<>();
        for (int i = 0; i <= 360; i++) { // an hour, every 10 s; steady from minute 20
            double seconds = i * 10.0;
            long rssMiB = seconds < 1200 ? 400 + (long) (seconds / 6) : 600 + (long) ((seconds - 1200) / 36); // 100 MiB/h
            samples.add(new SoakBenchmark.Sample(seconds, rssMiB * 1024, 80, i % 30 == 0 ? 60 : -1, 256, 130, 40,
                    i == 200 ? -1 : 10_000 + (i % 2 == 0 ? 100 : -100), 6, 0.5, 0.02, "1.0 1.0 1.0")); // -1: no answer
        }
        String trend = SoakBenchmark.trend(samples, 1200);
        assertTrue(trend.startsWith("steady part: 20.0-60.0 min, 241 samples; memories 9900-10100"), trend);
        var rss = Pattern.compile("RSS \\(MiB\\) +\\+(\\d+\\.\\d)/h; first +(\\d+\\.\\d), last +(\\d+\\.\\d)")
                .matcher(trend);
        assertTrue(rss.find(), trend);
        assertEquals(100.0, Double.parseDouble(rss.group(1)), 1.0);
        assertEquals(608.3, Double.parseDouble(rss.group(2)), 1.0); // mean of 600..616 over minutes 20-30
        assertEquals(658.3, Double.parseDouble(rss.group(3)), 1.0);
        assertTrue(trend.matches("(?s).*heap after GC \\(MiB\\) +\\+0\\.0/h; first +80\\.0, last +80\\.0 \\(\\+0\\.0\\).*"),
                trend);
        assertTrue(trend.matches("(?s).*heap after full GC \\(MiB\\) +\\+0\\.0/h; first +60\\.0.*"), trend);
    }
}
