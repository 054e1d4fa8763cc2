package dev.loci.store.lucene;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.ForgetResult;
import dev.loci.Kind;
import dev.loci.LociConfig;
import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.testkit.HashingEmbedder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on the real Lucene store, with episodes and context keys on: after a purge and a
 * compaction, no file under the data directory holds a byte of the purged user's text (UTF-8),
 * the write-ahead log and superseded index files included, while the other user's memories are
 * still recalled. The same for one forgotten turn, whose words its episode summary and its
 * neighbour's index keys had copied. Level 2 (sessions, topics) is awaited before files are
 * scanned: the scan must not race the background builder, and the purge must reach its nodes too.
 */
class PurgeLeavesNoTraceTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Scope BEN = Scope.user("acme", "ben");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");
    /** Words only Maya's messages contain. */
    private static final List<String> MAYAS = List.of("Quillerby", "Marchpane", "Vorstrand", "Plumtreader",
            "Gallowmere", "Sorrelwick");
    /** Words only Ben's messages contain. */
    private static final List<String> BENS = List.of("Thistlewick", "Obsidianne", "Halvardson");

    @TempDir
    Path dir;

    private LociEngine open() {
        return LociEngine.builder().embedder(new HashingEmbedder()).store(LuceneMemoryStore.open(dir, LuceneStoreConfig.defaults()))
                .config(LociConfig.defaults()).build();
    }

    private static List<Message> conversation(String speaker, String... texts) {
        var out = new ArrayList<Message>();
        for (int i = 0; i < texts.length; i++) {
            out.add(Message.of(speaker, texts[i], T.plusSeconds(i)));
        }
        return out;
    }

    @Test
    void purgedUsersTextIsGoneFromEveryFileAfterCompaction() {
        try (LociEngine loci = open()) {
            loci.remember(MAYA.withSession("s1"), conversation("Maya",
                    "My bank password hint is Quillerby", "The safe is behind the Marchpane painting",
                    "My sister lives on Vorstrand street"));
            loci.remember(BEN, conversation("Ben", "I keep bees near Thistlewick", "My dog is called Obsidianne",
                    "Our landlord is Mr Halvardson"));
        }
        try (LociEngine loci = open()) { // a second session after a commit: more than one segment and log segment
            loci.remember(MAYA.withSession("s2"), conversation("Maya", "The doctor is Dr Plumtreader",
                    "We met at Gallowmere lake", "My first car was a Sorrelwick"));
            loci.awaitConsolidation();
            assertTrue(loci.count(MAYA, MemoryFilter.all().withKinds(Set.of(Kind.SESSION, Kind.TOPIC))) > 0,
                    "Maya's sessions and topics are built, with her words in them");
            assertEquals(MAYAS, DataDirScan.found(dir, MAYAS), "before the purge every word is on disk");
            loci.compact();
            assertFalse(DataDirScan.found(dir, MAYAS).isEmpty(), "the scan finds words in a compacted index too");
            long mayas = loci.count(MAYA, MemoryFilter.all());

            ForgetResult result = loci.purge(MAYA);
            assertEquals(mayas, result.deleted());
            assertFalse(DataDirScan.found(dir, MAYAS).isEmpty(), "a purge alone leaves bytes until compaction");
            loci.compact();

            assertEquals(List.of(), DataDirScan.found(dir, MAYAS), "no file holds any of Maya's words");
            assertEquals(0, loci.count(MAYA, MemoryFilter.all()));
            assertFalse(DataDirScan.found(dir, BENS).isEmpty(), "Ben's memories are still on disk");
            assertBenRecalled(loci);
        }
        try (LociEngine loci = open()) {
            assertEquals(List.of(), DataDirScan.found(dir, MAYAS), "nor after reopening");
            assertEquals(0, loci.count(MAYA, MemoryFilter.all()));
            assertBenRecalled(loci);
        }
    }

    @Test
    void aForgottenTurnIsGoneFromItsEpisodeAndNeighbourToo() {
        try (LociEngine loci = open()) {
            List<String> ids = loci.remember(BEN, conversation("Ben", "I keep bees near the old mill",
                    "My locker code is Quillerby", "The bees make lavender honey")).ids();
            loci.awaitConsolidation();
            String episode = loci.get(BEN, ids.get(0)).orElseThrow().parentId();
            assertEquals(3, recalled(loci, BEN, "Quillerby", Kind.TURN, Kind.EPISODE).size(),
                    "the turn, the next one (context keys) and the episode are found by the word");
            loci.compact();
            assertEquals(List.of("Quillerby"), DataDirScan.found(dir, List.of("Quillerby")));

            assertTrue(loci.forget(BEN, ids.get(1)));
            loci.compact();

            assertEquals(List.of(), DataDirScan.found(dir, List.of("Quillerby")));
            assertEquals(List.of(), recalled(loci, BEN, "Quillerby", Kind.TURN, Kind.EPISODE), "no key holds it");
            assertEquals(List.of(ids.get(0), ids.get(2)), loci.get(BEN, episode).orElseThrow().childIds());
        }
    }

    private static void assertBenRecalled(LociEngine loci) {
        for (String word : BENS) {
            List<Recalled> top = recalled(loci, BEN, word, Kind.TURN);
            assertTrue(top.stream().anyMatch(r -> r.memory().text().contains(word)), word + ": " + top);
        }
    }

    private static List<Recalled> recalled(LociEngine loci, Scope scope, String query, Kind... kinds) {
        return loci.recall(scope, RecallQuery.of(query).withK(3).withKinds(Set.of(kinds)),
                loci.config().recall().lexicalOnly()).results();
    }
}
