package dev.loci.server.cli;

import dev.loci.embedded.EmbeddedOptions;
import dev.loci.server.ApiKeys;
import dev.loci.store.lucene.LuceneMemoryStore;
import dev.loci.server.Role;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code loci keys create|list|revoke}: the API keys of a data directory. Works while a server
 * runs on the same directory: the server sees new and revoked keys at its next request.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list and revoke the API keys a Loci server accepts.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    static final class DataDir {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCI_DATA_DIR:-loci-data}",
                description = "Data directory (default: $LOCI_DATA_DIR or ./loci-data).")
        Path dataDir;
    }

    /** {@code loci keys create --tenant T --role R}: prints the key once. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key; the key is printed once and only its hash is stored.")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dir;
        @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant the key works in.")
        String tenant;
        @Option(names = "--role", defaultValue = "write", paramLabel = "R",
                description = "read, write (default) or admin.")
        String role;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            initialise(dir.dataDir);
            ApiKeys.Created created = ApiKeys.open(dir.dataDir).create(tenant, Role.parse("--role", role));
            PrintWriter out = spec.commandLine().getOut();
            out.println(created.token());
            out.flush();
            spec.commandLine().getErr().printf("created key %s (tenant %s, role %s); it is shown only now%n",
                    created.key().id(), tenant, created.key().role().label());
            return 0;
        }
    }

    /**
     * Makes a new directory a Loci data directory (format marker, empty store) before the first key
     * goes in: the store refuses a directory that holds files but no marker, so a key file written
     * first would stop {@code loci serve} from opening it. A directory with a marker is left alone
     * (a server may hold it).
     */
    static void initialise(Path dataDir) {
        if (!Files.exists(dataDir.resolve("FORMAT"))) {
            LuceneMemoryStore.open(dataDir, EmbeddedOptions.defaults().store()).close();
        }
    }

    /** {@code loci keys list}: ids, tenants, roles; never secrets. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (id, tenant, role, created).")
    static final class ListKeys implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dir;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-14s %-20s %-6s %s%n", "id", "tenant", "role", "created");
            for (ApiKeys.Key k : ApiKeys.open(dir.dataDir).list()) {
                out.printf("%-14s %-20s %-6s %s%n", k.id(), k.tenant(), k.role().label(), k.createdAt());
            }
            out.flush();
            return 0;
        }
    }

    /** {@code loci keys revoke ID}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id.")
    static final class Revoke implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataDir dir;
        @Parameters(index = "0", paramLabel = "ID", description = "The key's id (loci_<id>_...).")
        String id;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (ApiKeys.open(dir.dataDir).revoke(id)) {
                spec.commandLine().getOut().println("revoked " + id);
                spec.commandLine().getOut().flush();
                return 0;
            }
            spec.commandLine().getErr().println("loci keys revoke: no key " + id);
            return 1;
        }
    }
}
