package dev.loci.cli;

import dev.loci.Loci;
import dev.loci.Scope;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options naming the data directory and the scope, shared by the commands that touch memory. */
final class StoreOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCI_DATA_DIR:-loci-data}",
            description = "Data directory (default: $LOCI_DATA_DIR or ./loci-data).")
    Path dataDir;

    @Option(names = "--tenant", paramLabel = "T", required = true, description = "Tenant (required).")
    String tenant;

    @Option(names = "--user", paramLabel = "U", description = "User id.")
    String user;

    @Option(names = "--agent", paramLabel = "A", description = "Agent id.")
    String agent;

    @Option(names = "--session", paramLabel = "S", description = "Session id.")
    String session;

    Scope scope() {
        return new Scope(tenant, user, agent, session);
    }

    /** Opens an existing data directory: a mistyped --data-dir must not become a new, empty one. */
    Loci open() {
        return open(EmbeddedOptions.defaults());
    }

    /** As {@link #open()}, with these settings. */
    Loci open(EmbeddedOptions options) {
        if (!Files.isDirectory(dataDir)) {
            throw new InputFileException(dataDir, null, "no such data directory");
        }
        return EmbeddedLoci.open(dataDir, options);
    }

    /** Opens the data directory, creating it if needed (ingest). */
    Loci openOrCreate() {
        return EmbeddedLoci.open(dataDir, EmbeddedOptions.defaults());
    }
}
