package dev.loci.server;

import dev.loci.testkit.TestEngines;
import dev.loci.Loci;
import java.nio.file.Path;

/** Real servers on a free loopback port over the testkit's deterministic engine. */
final class TestServers {
    private TestServers() {
    }

    static Loci fakeEngine() {
        return TestEngines.inMemory();
    }

    static ServerOptions options(Path dataDir) {
        return ServerOptions.defaults().withPort(0).withApiKeys(ApiKeys.open(dataDir));
    }

    /** A JSON string literal. */
    static String q(String s) {
        return Http.JSON.getNodeFactory().textNode(s).toString();
    }
}
