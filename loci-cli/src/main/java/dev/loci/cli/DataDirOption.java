package dev.loci.cli;

import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.embedded.TerminationSignals;
import dev.loci.engine.LociEngine;
import dev.loci.server.cli.StoreChoice;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --data-dir} option with the store choice ({@code --store}, {@code --es-hosts},
 * {@code --es-index}), and the one way the commands open the engine on them.
 */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCI_DATA_DIR:-loci-data}",
            description = "Data directory (default: $LOCI_DATA_DIR or ./loci-data).")
    Path path;

    @Mixin
    StoreChoice store;

    /**
     * Opens the engine on the directory (or the cluster the store options name) with these
     * settings; unless they say otherwise, only a directory that exists (a mistyped --data-dir must
     * not become a new, empty one).
     */
    LociEngine open(EmbeddedOptions options) {
        return open(path, options, store);
    }

    /** Where the memories are: the data directory, or the Elasticsearch index and its hosts. */
    String describe() {
        if (!store.elasticsearch()) {
            return path.toString();
        }
        var c = store.cluster();
        return "Elasticsearch index " + c.index() + " at " + String.join(",",
                c.hosts().stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
    }

    /** As {@link #open(Path, EmbeddedOptions)}, on the store {@code choice} names. */
    static LociEngine open(Path dir, EmbeddedOptions options, StoreChoice choice) {
        EmbeddedOptions chosen = choice.apply(options);
        try {
            return open(dir, chosen);
        } catch (RuntimeException e) {
            throw choice.explain(e);
        }
    }

    /**
     * Every command opens the engine through here (demo and eval on directories of their own):
     * on SIGTERM / Ctrl-C the engine is closed (it waits for embedding runs in flight, then commits
     * the store) before the JVM's exit releases ONNX Runtime under a run that is still going.
     */
    static LociEngine open(Path dir, EmbeddedOptions options) {
        LociEngine engine = EmbeddedLoci.open(dir, options);
        TerminationSignals.closeOnTermination(engine);
        return engine;
    }

    /** Settings for commands that read or change what is there: the directory must exist. */
    static EmbeddedOptions existing() {
        return EmbeddedOptions.defaults().withCreateIfMissing(false);
    }
}
