package dev.loci.store.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversation remembered a message at a time over the Lucene store: its open episode tail
 * survives a restart (it is read back from the index) and the episodes come out as in one process.
 */
class LuceneEpisodeTailTest {
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");
    private static final Scope CHAT = Scope.user("acme", "maya").withSession("chat");
    private static final String[] TOPICS = {"violin lessons and bow posture", "mushroom risotto with parmesan",
        "marathon training and running shoes"};

    @TempDir
    Path once;
    @TempDir
    Path twice;

    private final ManualClock clock = new ManualClock(T);

    private static List<Message> conversation() {
        var out = new ArrayList<Message>();
        for (int i = 0; i < 18; i++) {
            String topic = TOPICS[i / 6];
            out.add(Message.of("Maya", "Today " + topic + " again, note " + i, T.plus(Duration.ofMinutes(i)))
                    .withClientId("c" + i));
        }
        return out;
    }

    private Loci open(Path dir) {
        LociConfig d = LociConfig.defaults();
        return LociEngine.builder().embedder(new HashingEmbedder(64)).store(LuceneMemoryStore.open(dir,
                LuceneStoreConfig.defaults())).clock(clock).config(d.withForgetting(d.forgetting().withSweepInterval(null)))
                .build();
    }

    /** Each episode as its turns' client ids, by first turn. */
    private static List<List<String>> episodes(Loci loci) {
        var out = new ArrayList<List<String>>();
        for (var r : loci.recall(CHAT, RecallQuery.of("today again note").withK(50).withKinds(Set.of(Kind.EPISODE)))
                .results()) {
            out.add(r.memory().childIds().stream().map(id -> loci.get(CHAT, id).map(Memory::clientId).orElseThrow())
                    .toList());
        }
        out.sort((a, b) -> Integer.compare(Integer.parseInt(a.get(0).substring(1)), Integer.parseInt(b.get(0).substring(1))));
        return out;
    }

    @Test
    void aRestartInTheMiddleOfAConversationContinuesItsTail() {
        List<List<String>> uninterrupted;
        try (Loci loci = open(once)) {
            for (Message m : conversation()) {
                loci.remember(CHAT, List.of(m));
            }
            loci.awaitConsolidation();
            uninterrupted = episodes(loci);
        }
        try (Loci loci = open(twice)) {
            for (Message m : conversation().subList(0, 8)) {
                loci.remember(CHAT, List.of(m));
            }
        }
        try (Loci loci = open(twice)) {
            for (Message m : conversation().subList(8, 18)) {
                loci.remember(CHAT, List.of(m));
            }
            loci.awaitConsolidation();
            List<List<String>> restarted = episodes(loci);
            assertEquals(uninterrupted, restarted, "the same episodes with a restart after turn 8");
            var covered = new ArrayList<String>();
            restarted.forEach(covered::addAll);
            assertEquals(18, covered.size(), "every turn in exactly one episode: " + restarted);
            assertTrue(restarted.stream().anyMatch(e -> e.contains("c7") && e.contains("c8")),
                    "an episode spans the restart: " + restarted);
        }
    }
}
