package dev.loci.cli;

import dev.loci.Loci;
import dev.loci.Scope;
import dev.loci.embedded.EmbeddedOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options naming the data directory and the scope, shared by the commands that touch memory. */
final class StoreOptions {
    @Mixin
    DataDirOption dataDir;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

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

    /** The scope as the options gave it: {@code --tenant acme --user maya}. */
    String describe() {
        var sb = new StringBuilder("--tenant ").append(tenant);
        if (user != null) {
            sb.append(" --user ").append(user);
        }
        if (agent != null) {
            sb.append(" --agent ").append(agent);
        }
        if (session != null) {
            sb.append(" --session ").append(session);
        }
        return sb.toString();
    }

    /**
     * Opens an existing data directory: a mistyped --data-dir must not become a new, empty one. When
     * a {@code loci serve} holds it, the commands work through that server ({@link RunningServer}).
     */
    Loci open() {
        return open(DataDirOption.existing());
    }

    /** As {@link #open()}, with these settings (the directory must exist all the same). */
    Loci open(EmbeddedOptions options) {
        return dataDir.openOrThroughServer(options.withCreateIfMissing(false), tenant, command());
    }

    /**
     * Opens an existing data directory for a command that will embed (recall, update): the model
     * starts loading in the background while the index opens.
     */
    Loci openToEmbed() {
        return open(EmbeddedOptions.defaults().withPreloadModel(true));
    }

    /** As {@link #open()}, for a command that only reads ({@link DataDirOption#reading}). */
    Loci openToRead() {
        return open(DataDirOption.reading(DataDirOption.existing()));
    }

    /** Opens the data directory, creating it if needed (ingest), loading the model meanwhile. */
    Loci openOrCreate() {
        return dataDir.openOrThroughServer(EmbeddedOptions.defaults().withCreateIfMissing(true).withPreloadModel(true),
                tenant, command());
    }

    /** The name of the command these options belong to ({@code recall}). */
    private String command() {
        return spec == null ? "command" : spec.commandLine() == null ? spec.name() : spec.commandLine().getCommandName();
    }
}
