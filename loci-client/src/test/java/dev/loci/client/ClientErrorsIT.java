package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.MemoryFilter;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures map to the engine's exception types: keys and roles, the tenant check, operations the
 * REST API does not have, a closed client, an unreachable server.
 */
class ClientErrorsIT {
    @TempDir
    static Path dir;
    static LociServer server;
    static ApiKeys keys;
    static final Scope MAYA = Scope.user("acme", "maya");

    @BeforeAll
    static void start() {
        keys = ApiKeys.open(dir);
        server = LociServer.start(EmbeddedBehaviourTest.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static LociClient client(String key) {
        return LociClient.builder().baseUrl("http://127.0.0.1:" + server.port()).apiKey(key).build();
    }

    static List<Message> hello() {
        return List.of(Message.of("Maya", "Hello there.", null));
    }

    @Test
    void missingOrWrongKeysAreAuthenticationErrors() {
        try (LociClient none = client(null); LociClient wrong = client("loci_000000000000_notthesecret")) {
            var e = assertThrows(AuthenticationException.class, () -> none.recall(MAYA, RecallQuery.of("x")));
            assertTrue(e.getMessage().contains("API key"), e.getMessage());
            assertThrows(AuthenticationException.class, () -> wrong.get(MAYA, "m1"));
            assertTrue(!e.isRetriable());
        }
    }

    @Test
    void rolesThatDoNotAllowTheCallAreAccessDenied() {
        try (LociClient reader = client(keys.create("acme", Role.READ).token());
             LociClient writer = client(keys.create("acme", Role.WRITE).token());
             LociClient admin = client(keys.create("acme", Role.ADMIN).token())) {
            assertThrows(AccessDeniedException.class, () -> reader.remember(MAYA, hello()));
            assertThrows(AccessDeniedException.class, () -> reader.purge(MAYA));
            assertThrows(AccessDeniedException.class, writer::stats);
            writer.remember(MAYA, hello());
            assertEquals(1, reader.count(MAYA, MemoryFilter.all().withKinds(java.util.Set.of(dev.loci.Kind.TURN))));
            assertTrue(admin.stats().memories() >= 1);
        }
    }

    @Test
    void aScopeInAnotherTenantIsRefusedWhenTheTenantIsKnown() {
        try (LociClient c = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(keys.create("acme", Role.WRITE).token()).tenant("acme").build()) {
            var e = assertThrows(InvalidInputException.class, () -> c.remember(Scope.user("globex", "x"), hello()));
            assertEquals("scope.tenant", e.field());
        }
    }

    @Test
    void serverSideProblemsNameTheField() {
        try (LociClient c = client(keys.create("acme", Role.WRITE).token())) {
            assertEquals(0, c.remember(MAYA, List.of()).added(), "nothing to remember is not an error, as embedded");
            var tenantOnly = assertThrows(InvalidInputException.class, () -> c.purge(Scope.tenant("acme")));
            assertEquals("scope.userId", tenantOnly.field(), "a whole tenant is not purged over HTTP");
        }
    }

    @Test
    void aFlushNeedsAWriteKey() {
        try (LociClient c = client(keys.create("acme", Role.READ).token())) {
            assertThrows(AccessDeniedException.class, () -> c.awaitConsolidation(Duration.ofSeconds(1)));
            assertThrows(AccessDeniedException.class, () -> c.awaitConsolidation(MAYA, Duration.ZERO));
        }
    }

    @Test
    void operationsTheRestApiLacksSaySo() {
        try (LociClient c = client(keys.create("acme", Role.ADMIN).token())) {
            assertThrows(UnsupportedOperationException.class, c::compact);
            assertThrows(UnsupportedOperationException.class, c::evictExpired);
            assertThrows(UnsupportedOperationException.class,
                    () -> c.count(MAYA, MemoryFilter.all().withMetadata(Map.of("topic", "pets"))));
        }
    }

    @Test
    void aClosedClientRefusesCalls() {
        LociClient c = client(keys.create("acme", Role.WRITE).token());
        c.close();
        c.close();
        assertThrows(LociException.class, () -> c.get(MAYA, "m1"));
    }

    @Test
    void anUnreachableServerIsARetriableStorageFailure() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (LociClient c = LociClient.builder().baseUrl("http://127.0.0.1:" + port).maxRetries(2)
                .backoffBase(Duration.ofMillis(1)).build()) {
            var e = assertThrows(StorageException.class, () -> c.get(MAYA, "m1"));
            assertTrue(e.isRetriable());
            assertTrue(e.getMessage().contains("after 3 attempt(s)"), e.getMessage());
        }
    }

    @Test
    void builderValidatesEagerly() {
        assertEquals("baseUrl", assertThrows(InvalidInputException.class,
                () -> LociClient.builder().baseUrl("ftp://x")).field());
        assertEquals("baseUrl", assertThrows(InvalidInputException.class,
                () -> LociClient.builder().baseUrl("http://x:8080/v1")).field());
        assertEquals("baseUrl", assertThrows(InvalidInputException.class, () -> LociClient.builder().build()).field());
        assertEquals("maxRetries", assertThrows(InvalidInputException.class,
                () -> LociClient.builder().maxRetries(-1)).field());
        assertEquals("requestTimeout", assertThrows(InvalidInputException.class,
                () -> LociClient.builder().requestTimeout(Duration.ZERO)).field());
    }
}
