package dev.loci.server;

import static dev.loci.server.TestServers.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of seeded random requests by several tenants' keys: no response ever contains a
 * memory text or id of another tenant, and operations by id on another tenant's memory act as if
 * it did not exist.
 */
class TenantIsolationIT {
    private static final long SEED = 20241202L;
    private static final int REQUESTS = 3000;
    private static final String[] TENANTS = {"acme", "globex", "initech", "umbrella"};
    private static final String[] WORDS = {"dog", "peanut", "holiday", "denver", "guitar", "coffee", "garden",
            "marathon", "piano", "sushi"};

    @TempDir
    Path dir;

    @Test
    void noResponseLeaksAnotherTenantsMemory() {
        ApiKeys keys = ApiKeys.open(dir);
        try (LociServer server = LociServer.start(TestServers.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys))) {
            Random random = new Random(SEED);
            Map<String, List<Http>> clients = new HashMap<>();
            for (String t : TENANTS) {
                clients.put(t, List.of(new Http(server.port(), keys.create(t, Role.WRITE).token()),
                        new Http(server.port(), keys.create(t, Role.ADMIN).token())));
            }
            // Every text carries its tenant's marker; every id is remembered with its owner.
            Map<String, String> owner = new HashMap<>();
            List<String> ids = new ArrayList<>();
            int checked = 0;
            for (int i = 0; i < REQUESTS; i++) {
                String tenant = TENANTS[random.nextInt(TENANTS.length)];
                Http http = clients.get(tenant).get(random.nextInt(2));
                String user = "u" + random.nextInt(3); // the same user ids in every tenant
                String word = WORDS[random.nextInt(WORDS.length)];
                Http.Exchange r;
                int op = random.nextInt(10);
                if (op < 3 || ids.isEmpty()) {
                    r = http.post("/v1/memories", """
                            {"userId":%s,"messages":[{"clientId":%s,"text":%s}]}""".formatted(q(user),
                            q("c" + random.nextInt(500)), q("marker-" + tenant + " likes " + word + " " + i)));
                    if (r.status() == 201) {
                        String id = r.json().get("ids").get(0).asText();
                        owner.put(id, tenant);
                        ids.add(id);
                    }
                } else if (op < 6) {
                    r = http.post("/v1/memories/search", "{\"userId\":" + q(user) + ",\"query\":" + q(word)
                            + ",\"k\":20}");
                } else if (op < 7) {
                    r = http.post("/v1/context", "{\"query\":" + q(word) + ",\"budget\":200}");
                } else {
                    String id = ids.get(random.nextInt(ids.size()));
                    boolean own = tenant.equals(owner.get(id));
                    r = switch (random.nextInt(4)) {
                        case 0 -> http.get("/v1/memories/" + id);
                        case 1 -> http.get("/v1/memories/" + id + "/history");
                        case 2 -> own ? http.get("/v1/memories/count?userId=" + user)
                                : http.patch("/v1/memories/" + id, "{\"text\":\"overwritten by " + tenant + "\"}");
                        default -> own ? http.get("/v1/memories/" + id) : http.delete("/v1/memories/" + id);
                    };
                    if (!own) {
                        assertEquals(404, r.status(), tenant + " reached " + owner.get(id) + "'s " + id + ": "
                                + r.body());
                    }
                }
                assertTrue(r.status() < 500, r.body());
                for (String other : TENANTS) {
                    if (!other.equals(tenant)) {
                        assertFalse(r.body().contains("marker-" + other), tenant + " saw " + other + ": " + r.body());
                        assertFalse(r.body().contains("\"tenant\":\"" + other + "\""), r.body());
                    }
                }
                for (var e : owner.entrySet()) {
                    // a 404 may echo the id the caller itself sent; anything else is a leak
                    if (!e.getValue().equals(tenant) && !r.path().contains(e.getKey())
                            && r.body().contains(e.getKey())) {
                        throw new AssertionError(tenant + " saw id " + e.getKey() + " of " + e.getValue());
                    }
                }
                checked++;
            }
            assertEquals(REQUESTS, checked);
            assertTrue(ids.size() > 100, "too few memories to mean anything: " + ids.size());
        }
    }
}
