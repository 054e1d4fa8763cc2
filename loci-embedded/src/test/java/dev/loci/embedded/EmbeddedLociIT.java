package dev.loci.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.FormatVersionException;
import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.embed.onnx.EmbeddingModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engine end to end: remember, recall with the real model, reopen, model mismatch. */
class EmbeddedLociIT {
    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    @Test
    void rememberRecallReopen() {
        var scope = Scope.user("acme", "maya");
        List<String> before;
        try (Loci loci = EmbeddedLoci.open(dir)) {
            var r = loci.remember(scope, List.of(
                    Message.of("Maya", "I'm training for the Lisbon half marathon in October.", T).withClientId("1"),
                    Message.of("Maya", "My sister Inês is getting married in September.", T.plusSeconds(60)).withClientId("2"),
                    Message.of("Maya", "We adopted a greyhound called Biscuit.", T.plusSeconds(120)).withClientId("3")));
            assertEquals(3, r.added());
            List<Recalled> hits = loci.recall(scope, RecallQuery.of("When is the race she is running?")).results();
            assertTrue(hits.get(0).memory().text().contains("half marathon"), hits.get(0).memory().text());
            assertTrue(hits.get(0).signal("dense").isPresent());
            before = hits.stream().map(h -> h.memory().id()).toList();
        }
        try (Loci loci = EmbeddedLoci.open(dir)) {
            assertEquals(0, loci.remember(scope, List.of(
                    Message.of("Maya", "I'm training for the Lisbon half marathon in October.", T).withClientId("1"))).added());
            List<String> after = loci.recall(scope, RecallQuery.of("When is the race she is running?")).results()
                    .stream().map(h -> h.memory().id()).toList();
            assertEquals(before, after, "reopening gives identical results");
        }
    }

    @Test
    void openingWithAnotherModelIsRefused() {
        EmbeddedLoci.open(dir).close();
        var e = assertThrows(FormatVersionException.class, () -> EmbeddedLoci.open(dir,
                EmbeddedOptions.defaults().withModel(EmbeddingModel.ALL_MINILM_L6_V2_Q)));
        assertTrue(e.getMessage().contains("bge-small-en-v1.5-q"), e.getMessage());
        EmbeddedLoci.open(dir).close(); // the refused open released the directory
    }

    @Test
    void readingNeedsNoModelEmbeddingLoadsIt() {
        var scope = Scope.user("acme", "maya");
        try (Loci loci = EmbeddedLoci.open(dir)) {
            loci.remember(scope, List.of(Message.of("Maya", "We adopted a greyhound called Biscuit.", T).withClientId("1")));
        }
        try (var loci = EmbeddedLoci.open(dir)) {
            var embedder = (LazyEmbedder) loci.embedder();
            assertEquals(1, loci.stats().memories());
            assertEquals(1, loci.count(scope, dev.loci.MemoryFilter.all()));
            assertTrue(loci.get(scope, "no-such-id").isEmpty());
            assertEquals(1, loci.list(scope, dev.loci.ListQuery.of()).memories().size());
            assertTrue(!embedder.isLoaded(), "stats, count, get and list load no model");
            loci.recall(scope, RecallQuery.of("dog"));
            assertTrue(embedder.isLoaded());
        }
    }
}
