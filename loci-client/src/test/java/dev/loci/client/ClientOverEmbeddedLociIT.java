package dev.loci.client;

import dev.loci.Loci;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour contract through {@link LociClient} to a server over the real embedded engine
 * ({@code EmbeddedLoci.open}: the ONNX model and the Lucene store on disk), as {@code loci serve} runs it.
 */
class ClientOverEmbeddedLociIT extends LociBehaviourContract {
    @TempDir
    static Path dir;
    static LociServer server;
    static LociClient client;

    @BeforeAll
    static void start() {
        Path data = dir.resolve("data");
        server = LociServer.start(EmbeddedLoci.open(data),
                ServerOptions.defaults().withPort(0).withApiKeys(ApiKeys.open(data)));
        client = LociClient.builder().baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(ApiKeys.open(data).create("acme", Role.WRITE).token()).build();
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
