package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random conversations remembered one to three messages per call, with silences, forgets,
 * updates and flushes in between: after every step no turn is in two episodes and links hold both
 * ways; no forgotten turn's token is left in any record's keys; after the last flush every turn
 * has an episode.
 */
class EpisodeTailModelTest {
    private static final List<Scope> CHATS = List.of(Scope.user("t", "u0").withSession("a"),
            Scope.user("t", "u0").withSession("b"), Scope.user("t", "u1"));
    private static final String[][] TOPICS = {
        {"violin", "lesson", "teacher", "concert", "practice"},
        {"risotto", "mushroom", "parmesan", "kitchen", "recipe"},
        {"marathon", "running", "training", "shoes", "knee"}};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void noTurnInTwoEpisodesAndEveryTurnInOneAfterAFlush(long seed) {
        var random = new Random(seed);
        LociConfig d = LociConfig.defaults();
        Rig rig = Rig.create(seed, d.withConsolidation(d.consolidation().toBuilder().maxEpisodeTurns(8).build()));
        Loci loci = rig.loci();
        Map<String, String> tokenOf = new HashMap<>();
        List<String> forgotten = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        int counter = 0;
        int[] topic = new int[CHATS.size()];
        for (int step = 0; step < 80; step++) {
            String where = "seed " + seed + " step " + step;
            rig.clock().advance(random.nextInt(12) == 0 ? Duration.ofHours(2) : Duration.ofMinutes(1));
            int op = random.nextInt(20);
            if (op < 13 || tokenOf.isEmpty()) {
                int c = random.nextInt(CHATS.size());
                if (random.nextInt(5) == 0) {
                    topic[c] = (topic[c] + 1) % TOPICS.length;
                }
                var batch = new ArrayList<Message>();
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    String[] words = TOPICS[topic[c]];
                    String token = "tok" + (counter++) + "x";
                    batch.add(Message.of("Maya", "about " + words[random.nextInt(5)] + " and " + words[random.nextInt(5)]
                            + " " + token, rig.clock().instant().plusSeconds(i)).withClientId(token));
                }
                List<String> ids = loci.remember(CHATS.get(c), batch).ids();
                for (int i = 0; i < ids.size(); i++) {
                    tokenOf.put(ids.get(i), batch.get(i).clientId());
                }
            } else if (op < 16) {
                var ids = new ArrayList<>(tokenOf.keySet());
                String id = ids.get(random.nextInt(ids.size()));
                if (loci.forget(Scope.tenant("t"), id)) {
                    forgotten.add(tokenOf.remove(id));
                }
            } else if (op < 18) {
                var ids = new ArrayList<>(tokenOf.keySet());
                String id = ids.get(random.nextInt(ids.size()));
                String token = "tok" + (counter++) + "x";
                loci.update(Scope.tenant("t"), id, "about " + TOPICS[random.nextInt(TOPICS.length)][0] + " " + token);
                replaced.add(tokenOf.put(id, token));
            } else {
                assertTrue(loci.awaitConsolidation(Duration.ofSeconds(30)));
            }
            check(rig, tokenOf, forgotten, replaced, false, where);
        }
        assertTrue(loci.awaitConsolidation(Duration.ofSeconds(30)));
        check(rig, tokenOf, forgotten, replaced, true, "seed " + seed + " after the flush");
    }

    private static void check(Rig rig, Map<String, String> tokenOf, List<String> forgotten, List<String> replaced,
                              boolean flushed, String where) {
        Scope tenant = Scope.tenant("t");
        Map<String, String> episodeOf = new HashMap<>();
        for (Memory e : rig.store().list(new SearchFilter(tenant, Set.of(Kind.EPISODE), null, Map.of()), 10_000)) {
            for (String child : e.childIds()) {
                String other = episodeOf.put(child, e.id());
                assertEquals(null, other, where + ": " + child + " is in two episodes");
                Memory turn = rig.loci().get(tenant, child)
                        .orElseThrow(() -> new AssertionError(where + ": " + e.id() + " lists deleted " + child));
                assertEquals(e.id(), turn.parentId(), where + ": " + child + " points back");
            }
        }
        for (String id : tokenOf.keySet()) {
            Memory turn = rig.loci().get(tenant, id).orElseThrow(() -> new AssertionError(where + ": lost " + id));
            if (turn.parentId() != null) {
                assertEquals(turn.parentId(), episodeOf.get(id), where + ": the episode of " + id + " lists it");
            } else if (flushed) {
                assertNotNull(turn.parentId(), where + ": " + id + " has no episode after the flush");
            }
        }
        for (String token : forgotten) {
            var hits = rig.store().search(new SearchRequest(new SearchFilter(tenant, Set.of(Kind.TURN, Kind.EPISODE),
                    null, Map.of()), token, null, 10, 0)).lexical();
            assertEquals(List.of(), hits, where + ": forgotten " + token + " is still in the keys of " + hits);
        }
        for (String token : replaced) {
            var hits = rig.store().search(new SearchRequest(new SearchFilter(tenant, Set.of(Kind.TURN, Kind.EPISODE),
                    null, Map.of()), token, null, 10, 0)).lexical();
            assertTrue(hits.stream().allMatch(h -> h.id().contains("@v")),
                    where + ": replaced " + token + " is only in the kept earlier version: " + hits);
        }
    }
}
