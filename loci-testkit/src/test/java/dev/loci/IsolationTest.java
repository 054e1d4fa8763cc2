package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tenants, users and sessions with heavily overlapping texts: recall, get and forget never
 * cross a scope boundary, and recall inside a scope still finds what is there.
 */
class IsolationTest {
    private static final String[] WORDS = {"secret", "salary", "doctor", "password", "lisbon", "violin", "cat",
        "exam", "divorce", "garden"};
    private static final int TENANTS = 3;
    private static final int USERS = 3;

    private record Stored(String id, Scope scope, String text, String tag) {
    }

    private static Scope randomScope(Random random) {
        Scope s = Scope.user("t" + random.nextInt(TENANTS), "u" + random.nextInt(USERS));
        return random.nextInt(3) == 0 ? s.withSession("s" + random.nextInt(2)) : s;
    }

    private static String randomText(Random random) {
        return WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)] + " "
                + WORDS[random.nextInt(WORDS.length)];
    }

    private static List<Stored> populate(Loci loci, Random random) {
        var stored = new ArrayList<Stored>();
        var seen = new HashSet<String>(); // a repeated client id in the same scope is stored once, first text wins
        for (int call = 0; call < 30; call++) {
            Scope scope = randomScope(random);
            var batch = new ArrayList<Message>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                // client ids repeat on purpose: "c3" in two scopes is two memories, in the same scope one
                String cid = random.nextBoolean() ? null : "c" + random.nextInt(5);
                batch.add(new Message("user", "x", randomText(random), null, cid, Map.of("tag", "g" + i % 2)));
            }
            RememberResult r = loci.remember(scope, batch);
            for (int i = 0; i < n; i++) {
                if (seen.add(r.ids().get(i))) {
                    stored.add(new Stored(r.ids().get(i), scope, batch.get(i).text(), batch.get(i).metadata().get("tag")));
                }
            }
        }
        assertEquals(stored.size(), loci.stats().memories());
        return stored;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void recallNeverLeaksAcrossScopes(long seed) {
        var random = new Random(seed);
        Loci loci = Rig.create(seed).loci();
        List<Stored> stored = populate(loci, random);
        int returned = 0;
        for (int q = 0; q < 60; q++) {
            int shape = random.nextInt(3);
            Scope scope = switch (shape) {
                case 0 -> Scope.tenant("t" + random.nextInt(TENANTS));
                case 1 -> Scope.user("t" + random.nextInt(TENANTS), "u" + random.nextInt(USERS));
                default -> randomScope(random);
            };
            int k = 1 + random.nextInt(100);
            String tag = random.nextInt(3) == 0 ? "g" + random.nextInt(2) : null;
            var query = RecallQuery.of(WORDS[random.nextInt(WORDS.length)]).withK(k)
                    .withMetadata(tag == null ? Map.of() : Map.of("tag", tag));
            RecallResult r = loci.recall(scope, query);
            for (Recalled x : r.results()) {
                assertTrue(scope.covers(x.memory().scope()),
                        "seed " + seed + ": " + x.memory().scope() + " leaked into recall for " + scope);
                assertTrue(tag == null || tag.equals(x.memory().metadata().get("tag")), "metadata filter");
            }
            long inScope = stored.stream()
                    .filter(s -> scope.covers(s.scope()) && (tag == null || tag.equals(s.tag()))).count();
            // exact dense search ranks every memory in scope, so recall is complete up to k
            assertEquals(Math.min(k, inScope), r.results().size(), "seed " + seed + " scope " + scope);
            returned += r.results().size();
        }
        assertTrue(returned > 100, "queries must actually return memories (" + returned + ")");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void getAndForgetStayInsideTheTenantAndUser(long seed) {
        var random = new Random(seed);
        Loci loci = Rig.create(seed).loci();
        List<Stored> stored = populate(loci, random);
        long count = loci.stats().memories();
        for (Stored s : stored) {
            String tenant = s.scope().tenant();
            for (int t = 0; t < TENANTS; t++) {
                String other = "t" + t;
                if (other.equals(tenant)) {
                    continue;
                }
                assertTrue(loci.get(Scope.tenant(other), s.id()).isEmpty(), "get across tenants");
                assertTrue(loci.get(Scope.user(other, s.scope().userId()), s.id()).isEmpty(), "get across tenants");
                assertFalse(loci.forget(Scope.tenant(other), s.id()), "forget across tenants");
                assertFalse(loci.forget(new Scope(other, s.scope().userId(), null, s.scope().sessionId()), s.id()));
            }
            String otherUser = "u" + ((Integer.parseInt(s.scope().userId().substring(1)) + 1) % USERS);
            assertTrue(loci.get(Scope.user(tenant, otherUser), s.id()).isEmpty(), "get across users");
            assertFalse(loci.forget(Scope.user(tenant, otherUser), s.id()), "forget across users");
            if (s.scope().sessionId() != null) {
                Scope otherSession = Scope.user(tenant, s.scope().userId()).withSession("elsewhere");
                assertTrue(loci.get(otherSession, s.id()).isEmpty(), "get across sessions");
                assertFalse(loci.forget(otherSession, s.id()), "forget across sessions");
            }
            assertEquals(s.text(), loci.get(s.scope(), s.id()).orElseThrow().text(), "own scope still sees it");
            assertTrue(loci.get(Scope.tenant(tenant), s.id()).isPresent(), "own tenant still sees it");
        }
        assertEquals(count, loci.stats().memories(), "no foreign forget deleted anything");
    }
}
