package dev.loci.client;

import dev.loci.Loci;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour contract through {@link LociClient} to a real {@link LociServer} on a free loopback
 * port, over the same kind of engine as {@link EmbeddedBehaviourTest}: same bodies, same results.
 */
class ClientBehaviourIT extends LociBehaviourContract {
    @TempDir
    static Path dir;
    static LociServer server;
    static LociClient client;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        server = LociServer.start(EmbeddedBehaviourTest.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
        client = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(keys.create("acme", Role.WRITE).token()).tenant("acme").build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Override
    protected Loci loci() {
        return client;
    }
}
