package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.MemoryStore;
import dev.loci.testkit.ForwardingSharedStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.SharedInMemoryStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server over a store it shares with another engine (as a second server over one cluster):
 * the other writes the same user's profile while this server's remember call is between reading
 * the user's facts and writing the profile. The server's profile write is refused, it settles and
 * writes again, and {@code /metrics} shows one profile conflict and one retry, other kinds at zero.
 */
class WriteConflictMetricsIT {
    @TempDir
    Path dir;

    @Test
    void aProfileWriteAnotherServerMadeFailIsCountedInMetrics() throws Exception {
        var shared = new SharedInMemoryStore();
        ApiKeys keys = ApiKeys.open(dir);
        String key = keys.create("acme", Role.ADMIN).token();
        try (var other = engine(shared)) {
            var racing = new RacingStore(shared, () -> other.remember(Scope.user("acme", "maya"),
                    List.of(Message.of("Maya", "I live in Boston.", Instant.parse("2024-06-01T09:00:00Z"))
                            .withClientId("other-1"))));
            try (LociServer server = LociServer.start(engine(racing), TestServers.options(dir).withApiKeys(keys))) {
                Http http = new Http(server.port(), key);
                String before = http.withKey(null).get("/metrics").body();
                assertEquals(0, counter(before, "loci_write_conflicts_total", "profile"), before);

                var added = http.post("/v1/memories", """
                        {"userId":"maya","messages":[{"clientId":"m-1","speaker":"Maya",
                          "text":"I moved to Denver last month.","timestamp":"2024-06-11T09:00:00Z"}]}""");
                assertEquals(201, added.status(), added.body());
                assertTrue(racing.raced, "the other server wrote while this one was between facts and profile");

                Thread.sleep(1_100); // the figures are read at most once a second
                String metrics = http.withKey(null).get("/metrics").body();
                assertEquals(1, counter(metrics, "loci_write_conflicts_total", "profile"), metrics);
                assertEquals(1, counter(metrics, "loci_write_retries_total", "profile"), metrics);
                for (String kind : List.of("turn", "episode", "session", "topic", "fact")) {
                    assertEquals(0, counter(metrics, "loci_write_conflicts_total", kind), metrics);
                }
                assertEquals(racing.conflicts.get(), (int) counter(metrics, "loci_write_conflicts_total", "profile"));
            }
        }
    }

    private static LociEngine engine(MemoryStore store) {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(store).build();
    }

    /** The value of a counter with this kind tag in Prometheus text format; fails if it is absent. */
    private static double counter(String scrape, String name, String kind) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*kind=\"" + kind + "\"[^}]*\\} (\\S+)$").matcher(scrape);
        if (!m.find()) {
            throw new AssertionError(name + "{kind=" + kind + "} is not in /metrics:\n" + scrape);
        }
        return Double.parseDouble(m.group(1));
    }

    /** This server's view: before its first profile write, the other server's call runs. */
    static final class RacingStore extends ForwardingSharedStore<SharedInMemoryStore> {
        private final Runnable other;
        volatile boolean raced;

        RacingStore(SharedInMemoryStore shared, Runnable other) {
            super(shared);
            this.other = other;
        }

        @Override
        public void writeIf(List<ConditionalWrite> batch) {
            if (!raced && batch.stream().anyMatch(w -> w.record().memory().kind() == Kind.PROFILE)) {
                raced = true;
                other.run();
            }
            super.writeIf(batch);
        }
    }
}
