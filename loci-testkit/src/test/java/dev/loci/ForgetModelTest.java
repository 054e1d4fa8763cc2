package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random remembers and forgets (by id, by filter, purges of sessions) with episodes and
 * context keys and level 2 on. After every step (and once level 2 has caught up): no trace of a
 * deleted turn's text remains in any record's text, metadata or index keys, sessions and topics
 * included, and the hierarchy's links are consistent both ways.
 */
class ForgetModelTest {
    private static final String TENANT = "t";
    private static final List<Scope> SCOPES = List.of(new Scope(TENANT, "u0", null, "s0"),
            new Scope(TENANT, "u0", null, "s1"), new Scope(TENANT, "u1", null, "s0"), Scope.user(TENANT, "u1"));
    private static final String[][] TOPICS = {
        {"violin", "lesson", "teacher", "concert", "practice"},
        {"risotto", "mushroom", "parmesan", "kitchen", "recipe"},
        {"marathon", "running", "training", "shoes", "knee"},
        {"garden", "tomato", "seeds", "compost", "watering"}};
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    /** Every turn ever remembered: id to its unique token (a word no other turn has). */
    private final Map<String, String> tokens = new LinkedHashMap<>();
    /** Every episode ever built. */
    private final List<String> episodes = new ArrayList<>();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void noTraceOfAForgottenTurnAndLinksHold(long seed) {
        var random = new Random(seed);
        Rig rig = Rig.create(seed, LociConfig.defaults());
        Loci loci = rig.loci();
        int counter = 0;
        int[] repairs = new int[3];
        for (int step = 0; step < 30; step++) {
            rig.clock().advance(Duration.ofMinutes(1));
            String where = "seed " + seed + " step " + step;
            int op = random.nextInt(10);
            if (op < 4 || tokens.isEmpty()) {
                Scope scope = SCOPES.get(random.nextInt(SCOPES.size()));
                var batch = new ArrayList<Message>();
                int n = 2 + random.nextInt(9);
                boolean timed = random.nextInt(4) > 0;
                for (int i = 0; i < n; i++) {
                    String[] topic = TOPICS[(i / 3 + random.nextInt(2)) % TOPICS.length];
                    String token = "tok" + (counter++) + "x";
                    String text = "we talked about " + topic[random.nextInt(5)] + " and " + topic[random.nextInt(5)]
                            + " " + token;
                    Map<String, String> meta = random.nextInt(3) == 0 ? Map.of("tag", "x") : Map.of();
                    batch.add(Message.of("Maya", text, timed ? T0.plusSeconds(60L * step + i) : null).withMetadata(meta));
                }
                List<String> ids = loci.remember(scope, batch).ids();
                for (int i = 0; i < ids.size(); i++) {
                    String token = batch.get(i).text().substring(batch.get(i).text().lastIndexOf(' ') + 1);
                    tokens.put(ids.get(i), token);
                    loci.get(scope, ids.get(i)).map(Memory::parentId).filter(p -> !episodes.contains(p))
                            .ifPresent(episodes::add);
                }
            } else if (op < 7) {
                List<String> all = new ArrayList<>(tokens.keySet());
                all.addAll(episodes);
                String id = all.get(random.nextInt(all.size()));
                Optional<Memory> before = loci.get(Scope.tenant(TENANT), id);
                assertEquals(before.isPresent(), loci.forget(Scope.tenant(TENANT), id), where + " forget " + id);
            } else if (op < 9) {
                Scope scope = SCOPES.get(random.nextInt(SCOPES.size()));
                var filter = MemoryFilter.all();
                if (random.nextBoolean()) {
                    filter = filter.withKinds(Set.of(random.nextBoolean() ? Kind.TURN : Kind.EPISODE));
                }
                if (random.nextBoolean()) {
                    filter = filter.withTimeRange(new TimeRange(T0.plusSeconds(60L * random.nextInt(step + 1)
                            + random.nextInt(6)), null)); // often inside a call: through an episode
                }
                if (random.nextBoolean()) {
                    filter = filter.withMetadata(Map.of("tag", "x"));
                }
                long expected = loci.count(scope, filter);
                ForgetResult result = loci.forget(scope, filter);
                assertEquals(expected, result.deleted(), where + " count agrees with forget");
                repairs[0] += result.episodesRebuilt();
                repairs[1] += result.episodesRemoved();
                repairs[2] += result.turnsRewritten();
            } else {
                loci.purge(SCOPES.get(random.nextInt(3)));
            }
            check(rig, where);
        }
        assertTrue(repairs[0] + repairs[1] > 0 && repairs[2] > 0, "filters repaired episodes and turns: "
                + java.util.Arrays.toString(repairs));
    }

    private void check(Rig rig, String where) {
        Loci loci = rig.loci();
        assertTrue(loci.awaitConsolidation(Duration.ofSeconds(30)), where + " level 2 caught up");
        Scope tenant = Scope.tenant(TENANT);
        // Episodes also close after the call that remembered their turns (a later call of the
        // conversation continues its open tail; the wait above closes what is still open).
        for (String id : tokens.keySet()) {
            loci.get(tenant, id).map(Memory::parentId).filter(p -> !episodes.contains(p)).ifPresent(episodes::add);
        }
        var live = new ArrayList<Memory>();
        List<Memory> levelTwo = rig.store().list(new SearchFilter(tenant, Set.of(Kind.SESSION, Kind.TOPIC), null,
                Map.of()), 10_000);
        live.addAll(levelTwo);
        var forgotten = new ArrayList<String>();
        for (var e : tokens.entrySet()) {
            Optional<Memory> turn = loci.get(tenant, e.getKey());
            turn.ifPresentOrElse(live::add, () -> forgotten.add(e.getValue()));
        }
        episodes.forEach(id -> loci.get(tenant, id).ifPresent(live::add));
        assertEquals(live.size(), loci.count(tenant, MemoryFilter.all()), where + " every memory is accounted for");

        for (String token : forgotten) {
            var hits = rig.store().search(new SearchRequest(SearchFilter.of(tenant), token, null, 1000, 0));
            assertTrue(hits.lexical().isEmpty(), where + " forgotten " + token + " still in the keys of " + hits.lexical());
            for (Memory m : live) {
                assertFalse(m.text().contains(token) || m.metadata().toString().contains(token),
                        where + " forgotten " + token + " still in " + m);
            }
        }
        for (Memory node : levelTwo) {
            for (String child : node.childIds()) {
                Memory episode = loci.get(tenant, child)
                        .orElseThrow(() -> new AssertionError(where + " " + node.kind() + " lists deleted " + child));
                assertEquals(Kind.EPISODE, episode.kind(), where);
            }
        }
        for (Memory m : live) {
            if (m.kind() == Kind.TURN && m.parentId() != null) {
                Memory parent = loci.get(tenant, m.parentId())
                        .orElseThrow(() -> new AssertionError(where + " " + m.id() + " points to a deleted episode"));
                assertTrue(parent.childIds().contains(m.id()), where + " episode does not list " + m.id());
            }
            if (m.kind() == Kind.EPISODE) {
                checkLevelTwo(m, levelTwo, where);
                assertFalse(m.childIds().isEmpty(), where + " empty episode " + m.id());
                for (String child : m.childIds()) {
                    Memory turn = loci.get(tenant, child)
                            .orElseThrow(() -> new AssertionError(where + " episode " + m.id() + " lists deleted " + child));
                    assertEquals(m.id(), turn.parentId(), where + " child does not point back");
                }
            }
        }
    }

    /** The episode's session node exists and lists it, and exactly one topic of its user does. */
    private static void checkLevelTwo(Memory episode, List<Memory> levelTwo, String where) {
        if (episode.scope().sessionId() != null) {
            Memory session = levelTwo.stream().filter(n -> n.id().equals(episode.parentId())).findFirst()
                    .orElseThrow(() -> new AssertionError(where + " no session node for " + episode.id()));
            assertEquals(Kind.SESSION, session.kind());
            assertEquals(episode.scope(), session.scope(), where);
            assertTrue(session.childIds().contains(episode.id()), where + " session does not list " + episode.id());
        }
        var userScope = new Scope(TENANT, episode.scope().userId(), null, null);
        List<Memory> topics = levelTwo.stream()
                .filter(n -> n.kind() == Kind.TOPIC && n.childIds().contains(episode.id())).toList();
        assertEquals(1, topics.size(), where + " topics of " + episode.id() + ": " + topics);
        assertEquals(userScope, topics.get(0).scope(), where);
        for (Memory node : levelTwo) {
            assertFalse(node.childIds().isEmpty(), where + " empty level-2 node " + node.id());
        }
    }
}
