package dev.loci.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.embedded.EmbeddedOptions;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Options first, then LOCI_STORE / LOCI_ES_HOSTS / LOCI_ES_INDEX, then the defaults. */
class StoreChoiceTest {
    private static StoreChoice parse(Map<String, String> env, String... args) {
        var choice = new StoreChoice().withEnvironment(env);
        new CommandLine(choice).parseArgs(args);
        return choice;
    }

    @Test
    void luceneByDefault() {
        StoreChoice c = parse(Map.of());
        assertFalse(c.elasticsearch());
        assertEquals(null, c.apply(EmbeddedOptions.defaults()).elasticsearch());
    }

    @Test
    void theEnvironmentChoosesTheClusterWhenNoOptionDoes() {
        StoreChoice c = parse(Map.of("LOCI_STORE", "elasticsearch", "LOCI_ES_HOSTS", "10.0.0.1:9200, https://10.0.0.2:9243",
                "LOCI_ES_INDEX", "team-memories"));
        assertTrue(c.elasticsearch());
        var config = c.apply(EmbeddedOptions.defaults()).elasticsearch();
        assertEquals(List.of(URI.create("http://10.0.0.1:9200"), URI.create("https://10.0.0.2:9243")), config.hosts());
        assertEquals("team-memories", config.index());
    }

    @Test
    void optionsWinOverTheEnvironment() {
        StoreChoice c = parse(Map.of("LOCI_STORE", "lucene", "LOCI_ES_HOSTS", "10.0.0.1:9200"),
                "--store", "elasticsearch", "--es-hosts", "127.0.0.1:9201");
        assertEquals(List.of(URI.create("http://127.0.0.1:9201")), c.cluster().hosts());
        assertEquals("loci-memories", c.cluster().index());
    }

    @Test
    void aThrowawayIndexUnlessOneIsNamed() {
        StoreChoice unnamed = parse(Map.of("LOCI_ES_INDEX", "production"), "--store", "es");
        assertEquals("loci-eval-x", unnamed.applyThrowaway(EmbeddedOptions.defaults(), "loci-eval-x").elasticsearch().index());
        assertTrue(unnamed.isThrowaway());
        StoreChoice named = parse(Map.of(), "--store", "es", "--es-index", "mine");
        assertEquals("mine", named.applyThrowaway(EmbeddedOptions.defaults(), "loci-eval-x").elasticsearch().index());
        assertFalse(named.isThrowaway());
    }

    @Test
    void aWrongStoreFromTheEnvironmentSaysWhereItCameFrom() {
        var e = assertThrows(InvalidInputException.class, () -> parse(Map.of("LOCI_STORE", "redis")).elasticsearch());
        assertEquals("--store: 'redis' is not a store; use lucene or elasticsearch (from LOCI_STORE)", e.getMessage());
    }
}
