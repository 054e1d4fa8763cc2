package dev.loci.cli;

import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.embedded.TerminationSignals;
import dev.loci.engine.LociEngine;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option, and the one way the commands open the engine on it. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCI_DATA_DIR:-loci-data}",
            description = "Data directory (default: $LOCI_DATA_DIR or ./loci-data).")
    Path path;

    /**
     * Opens the engine on the directory with these settings; unless they say otherwise, only a
     * directory that exists (a mistyped --data-dir must not become a new, empty one).
     */
    LociEngine open(EmbeddedOptions options) {
        return open(path, options);
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
