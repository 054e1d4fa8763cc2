package dev.loci.langchain4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.UserMessage;
import dev.loci.Loci;
import dev.loci.LociException;
import dev.loci.client.LociClient;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapters through {@link LociClient} to a real {@link LociServer} on a free loopback port,
 * over the same kind of engine as {@link EmbeddedLangChain4jTest}: same bodies, same results.
 */
class ClientLangChain4jIT extends LangChain4jAdapterContract {
    @TempDir
    static Path dir;
    static LociServer server;
    static LociClient client;
    static ApiKeys keys;
    private static final Logger QUIET_SERVER = Logger.getLogger("dev.loci.server");

    @BeforeAll
    static void start() {
        QUIET_SERVER.setLevel(Level.WARNING); // a line per request would bury the test output
        keys = ApiKeys.open(dir);
        server = LociServer.start(EmbeddedLangChain4jTest.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
        client = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(keys.create(TENANT, Role.WRITE).token()).tenant(TENANT).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void aTenantOtherThanTheKeysIsACleanErrorNotAnEmptyConversation() {
        // a client that was not told its key's tenant sends any scope; the server works in the key's
        try (LociClient unaware = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(keys.create(TENANT, Role.WRITE).token()).build()) {
            var store = LociChatMemoryStore.builder().loci(unaware).tenant("not-" + TENANT).userId("u").build();
            var e = assertThrows(LociException.class,
                    () -> store.updateMessages("c", List.of(UserMessage.from("Hello."))));
            assertTrue(e.getMessage().contains("tenant of its API key"), e.getMessage());
        }
    }

    @Override
    protected Loci loci() {
        return client;
    }
}
