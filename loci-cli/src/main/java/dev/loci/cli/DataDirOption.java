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
        LociEngine engine = EmbeddedLoci.open(path, options);
        // SIGTERM / Ctrl-C: close the engine (it waits for embedding runs in flight, then commits the
        // store) before the JVM's exit releases ONNX Runtime under a run that is still going.
        TerminationSignals.closeOnTermination(engine);
        return engine;
    }

    /** Settings for commands that read or change what is there: the directory must exist. */
    static EmbeddedOptions existing() {
        return EmbeddedOptions.defaults().withCreateIfMissing(false);
    }
}
