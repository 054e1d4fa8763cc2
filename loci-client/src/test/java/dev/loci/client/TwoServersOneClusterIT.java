package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.Message;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.engine.LociEngine;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import dev.loci.spi.SearchFilter;
import dev.loci.store.elasticsearch.ElasticsearchMemoryStore;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import dev.loci.testkit.ElasticsearchCluster;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Loci servers over one Elasticsearch index on a real 3-node cluster, as two {@code loci serve
 * --store elasticsearch} processes would be (here two engines and two HTTP servers in one JVM,
 * each with its own store client, API keys and caches; nothing is shared but the cluster). Clients
 * of both send every user's conversation, with the same client ids, at the same time: each turn
 * is stored once, counted as added once, and belongs to exactly one episode; each statement of
 * fact is stored once, the later one closes the earlier, and the profile is the one a single
 * engine builds from scratch. (The clients race on the same chunks; two servers consolidating
 * different chunks of one user at the same moment is a race this test does not force, see
 * docs/ARCHITECTURE.md, "Several servers over one store".)
 */
@ExtendWith(ElasticsearchCluster.class)
class TwoServersOneClusterIT {
    static final int USERS = 3;
    static final int TURNS = 16;
    static final int CLIENTS_PER_SERVER = 2;
    static final int CHUNK = 4;
    static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");

    @TempDir
    Path keysA;
    @TempDir
    Path keysB;

    @Test
    void sameTurnsThroughTwoServersInOneJvmAreStoredOnce() throws Exception {
        ElasticsearchStoreConfig config = freshIndex("jvm");
        try (Server a = InJvm.start(config, keysA); Server b = InJvm.start(config, keysB)) {
            rememberThroughBoth(a, b, config);
        } finally {
            ElasticsearchMemoryStore.deleteIndex(config);
        }
    }

    /** The same with two {@code loci serve --store elasticsearch} processes (real embedding model). */
    @Test
    void sameTurnsThroughTwoServeProcessesAreStoredOnce() throws Exception {
        ElasticsearchStoreConfig config = freshIndex("processes");
        // made here with a short refresh interval (writes wait for it); the processes open it as it is
        ElasticsearchMemoryStore.open(config).close();
        try (Server a = ServeProcess.start(config, keysA); Server b = ServeProcess.start(config, keysB)) {
            rememberThroughBoth(a, b, config);
        } finally {
            ElasticsearchMemoryStore.deleteIndex(config);
        }
    }

    private static ElasticsearchStoreConfig freshIndex(String name) {
        String index = "loci-it-two-servers-" + name + "-" + Long.toString(ProcessHandle.current().pid(), 36);
        ElasticsearchStoreConfig config = ElasticsearchStoreConfig.builder().hosts(ElasticsearchCluster.hosts())
                .index(index).shards(3).replicas(1).refreshInterval(Duration.ofMillis(100)).build();
        ElasticsearchMemoryStore.deleteIndex(config);
        return config;
    }

    private static void rememberThroughBoth(Server a, Server b, ElasticsearchStoreConfig config) throws Exception {
        try (ElasticsearchMemoryStore reader = ElasticsearchMemoryStore.open(config)) {
            List<LociClient> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS_PER_SERVER; c++) {
                clients.add(a.client());
                clients.add(b.client());
            }
            AtomicInteger added = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            // Every client sends every user's conversation, chunk by chunk, starting at another user, so the
            // same chunk (same client ids) reaches both servers at once. The clients move to the next chunk
            // together: two *different* statements of one user at the same instant on two servers are the
            // race docs/ARCHITECTURE.md names as not yet safe (a contradiction can be missed), not tested here.
            var chunkDone = new java.util.concurrent.CyclicBarrier(clients.size());
            try (ExecutorService pool = Executors.newFixedThreadPool(clients.size())) {
                for (int c = 0; c < clients.size(); c++) {
                    LociClient client = clients.get(c);
                    int first = c;
                    done.add(pool.submit(() -> {
                        for (int from = 0; from < TURNS; from += CHUNK) {
                            for (int u = 0; u < USERS; u++) {
                                int user = (first + u) % USERS;
                                List<Message> conversation = conversation(user);
                                RememberResult r = client.remember(scope(user), conversation.subList(from, from + CHUNK));
                                added.addAndGet(r.added());
                            }
                            chunkDone.await(2, TimeUnit.MINUTES);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            LociClient readerA = clients.get(0);
            LociClient readerB = clients.get(1);
            // turns, episodes, facts and profiles are written before remember returns (level 2 follows
            // in the background and is not checked here)
            Map<Integer, String> rebuilt = fromScratch();
            assertEquals(USERS * TURNS, added.get(), "every turn counted as added exactly once across both servers");
            for (int user = 0; user < USERS; user++) {
                Scope s = scope(user);
                var filter = MemoryFilter.all().withKinds(Set.of(Kind.TURN));
                assertEquals(TURNS, readerA.count(s, filter), "turns of user " + user + " seen by server A");
                assertEquals(TURNS, readerB.count(s, filter), "turns of user " + user + " seen by server B");
                List<Memory> turns = reader.list(new SearchFilter(s, Set.of(Kind.TURN), null, Map.of()), 1000);
                Set<String> texts = new HashSet<>();
                turns.forEach(t -> texts.add(t.text()));
                assertEquals(TURNS, texts.size(), "no turn lost or doubled for user " + user);

                Map<String, String> episodeOf = new HashMap<>();
                for (Memory e : reader.list(new SearchFilter(s, Set.of(Kind.EPISODE), null, Map.of()), 1000)) {
                    for (String child : e.childIds()) {
                        String before = episodeOf.put(child, e.id());
                        assertEquals(null, before, "turn " + child + " is in two episodes: " + before + " and " + e.id());
                    }
                }
                // Turns are claimed one by one: when two servers split one call's turns between them, each
                // may hold too few for an episode, so a turn may have none (docs/ARCHITECTURE.md, "not safe yet").
                // What holds: no turn in two episodes, and a turn and its episode agree.
                for (Memory t : turns) {
                    assertEquals(episodeOf.get(t.id()), t.parentId(), "turn " + t.id() + " and its episode agree");
                }

                // facts: "I live in Boston" closed by the later "I moved to Denver", whichever server read them
                Scope person = Scope.user("acme", "user-" + user);
                List<Memory> facts = reader.list(new SearchFilter(person, Set.of(Kind.FACT), null, Map.of()), 1000);
                assertEquals(2, facts.size(), "one fact per statement, none doubled: " + facts);
                assertEquals(List.of("residence=denver"), facts.stream().filter(f -> f.validTo() == null)
                        .map(f -> f.metadata().get("loci.attribute") + "=" + f.metadata().get("loci.value")).toList());
                assertEquals(rebuilt.get(user), profileText(reader.list(
                        new SearchFilter(person, Set.of(Kind.PROFILE), null, Map.of()), 10)),
                        "profile equals the one a single engine builds from scratch");
            }
            clients.forEach(LociClient::close);
        }
    }

    /** Each user's profile text as one engine over an in-memory store builds it, one call per chunk. */
    static Map<Integer, String> fromScratch() {
        var store = new InMemoryStore();
        var out = new HashMap<Integer, String>();
        try (LociEngine engine = LociEngine.builder().embedder(new HashingEmbedder()).store(store).build()) {
            for (int user = 0; user < USERS; user++) {
                List<Message> conversation = conversation(user);
                for (int from = 0; from < TURNS; from += CHUNK) {
                    engine.remember(scope(user), conversation.subList(from, from + CHUNK));
                }
                out.put(user, profileText(store.list(new SearchFilter(Scope.user("acme", "user-" + user),
                        Set.of(Kind.PROFILE), null, Map.of()), 10)));
            }
        }
        return out;
    }

    static String profileText(List<Memory> profiles) {
        assertEquals(1, profiles.size(), "one profile per user: " + profiles);
        return profiles.get(0).text();
    }

    static Scope scope(int user) {
        return new Scope("acme", "user-" + user, null, "s1");
    }

    /** A user's conversation: client ids "u<user>-<i>", a minute apart, some statements of fact. */
    static List<Message> conversation(int user) {
        String[] topics = {"my garden and the tomatoes", "the violin lessons", "a trip to Lisbon", "the new job"};
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < TURNS; i++) {
            String text = switch (i) {
                case 2 -> "I live in Boston.";
                case 10 -> "I moved to Denver last month.";
                default -> "User " + user + " talks about " + topics[(i / 6) % topics.length] + ", message " + i + ".";
            };
            out.add(new Message("user", "User" + user, text, T0.plusSeconds(60L * i), "u" + user + "-" + i, null));
        }
        return out;
    }

    /** A Loci server over the shared index; each has its own clients. */
    interface Server extends AutoCloseable {
        LociClient client();

        @Override
        void close() throws Exception;
    }

    /** In this JVM: its own engine and store client over the shared index, its own API keys. */
    record InJvm(LociEngine engine, LociServer server, String token) implements Server {
        static InJvm start(ElasticsearchStoreConfig config, Path keysDir) {
            LociEngine engine = LociEngine.builder().embedder(new HashingEmbedder())
                    .store(ElasticsearchMemoryStore.open(config)).build();
            ApiKeys keys = ApiKeys.open(keysDir);
            String token = keys.create("acme", Role.WRITE).token();
            LociServer server = LociServer.start(engine, ServerOptions.defaults().withPort(0).withApiKeys(keys));
            return new InJvm(engine, server, token);
        }

        @Override
        public LociClient client() {
            return LociClient.builder().baseUrl("http://127.0.0.1:" + server.port()).apiKey(token).build();
        }

        @Override
        public void close() {
            server.close();
            engine.close();
        }
    }
}
