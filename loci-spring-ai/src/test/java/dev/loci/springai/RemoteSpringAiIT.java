package dev.loci.springai;

import dev.loci.Loci;
import dev.loci.client.LociClient;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The same Spring AI adapter behaviour through {@link LociClient} against a real server on loopback. */
class RemoteSpringAiIT extends SpringAiAdapterContract {
    @TempDir
    static Path dir;
    static LociServer server;
    static LociClient client;

    @BeforeAll
    static void start() {
        ApiKeys keys = ApiKeys.open(dir);
        server = LociServer.start(EmbeddedSpringAiTest.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
        client = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(keys.create(TENANT, Role.WRITE).token()).tenant(TENANT).build();
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
