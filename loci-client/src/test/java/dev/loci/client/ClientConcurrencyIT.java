package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.MemoryFilter;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One client shared by many threads: every memory they remember is there afterwards, once. */
class ClientConcurrencyIT {
    static final int THREADS = 8;
    static final int CALLS = 25;

    @TempDir
    Path dir;

    @Test
    void threadsSharingOneClientLoseNothing() throws Exception {
        ApiKeys keys = ApiKeys.open(dir);
        Scope scope = Scope.user("acme", "crowd");
        try (LociServer server = LociServer.start(EmbeddedBehaviourTest.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
             LociClient client = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                     .apiKey(keys.create("acme", Role.WRITE).token()).build()) {
            List<Future<List<String>>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < CALLS; i++) {
                            String text = "Thread " + thread + " says message number " + i + ".";
                            ids.addAll(client.remember(scope, List.of(Message.of("T" + thread, text, null)
                                    .withClientId(thread + "-" + i))).ids());
                        }
                        return ids;
                    }));
                }
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                all.addAll(f.get());
            }
            assertEquals(THREADS * CALLS, Set.copyOf(all).size(), "distinct ids");
            assertEquals(THREADS * CALLS, client.count(scope, MemoryFilter.all().withKinds(Set.of(Kind.TURN))));
            for (String id : all) {
                assertTrue(client.get(scope, id).isPresent(), id);
            }
        }
    }
}
