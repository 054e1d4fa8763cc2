package dev.loci.mcp;

import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.LociException;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.TerminationSignals;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loci mcp}: serves a data directory's memory to an MCP client over stdio. Register it in
 * a picocli command line as a subcommand ({@code subcommands = McpCommand.class}) or run it with
 * {@link McpStdio#main}.
 *
 * <p>While it serves, {@code System.out} is redirected to stderr so that no stray print (from
 * this process or a library) can corrupt the protocol stream.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve memory to an MCP client (Claude Desktop, an IDE, an agent) over stdio.",
                "Protocol on stdin/stdout; logs on stderr. Stops when the client closes stdin."})
public final class McpCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:LOCI_DATA_DIR:-loci-data}",
            description = "Data directory, created if missing (default: $LOCI_DATA_DIR or ./loci-data).")
    Path dataDir;

    @Option(names = "--tenant", paramLabel = "T", required = true,
            description = "Tenant every call works in (required; the model cannot change it).")
    String tenant;

    @Option(names = "--user", paramLabel = "U",
            description = "Default user of calls that pass no user_id (recommended).")
    String user;

    @Override
    public Integer call() throws InterruptedException {
        ConnectionScope scope;
        try {
            scope = new ConnectionScope(tenant, user);
        } catch (InvalidInputException e) {
            System.err.println("loci mcp: " + e.getMessage().replace("scope.tenant", "--tenant")
                    .replace("scope.userId", "--user"));
            return 2;
        }
        PrintStream protocol = System.out;
        System.setOut(System.err);
        System.err.println("loci mcp: opening " + dataDir.toAbsolutePath() + " for " + scope);
        try (Loci loci = EmbeddedLoci.open(dataDir)) {
            // On SIGTERM/SIGINT close the engine before ONNX Runtime's own shutdown hook frees the model
            // under a running embedding (a plain shutdown hook races it).
            TerminationSignals.closeOnTermination(loci);
            System.err.println("loci mcp: serving on stdio");
            McpStdio.serve(loci, scope, System.in, protocol);
        } catch (InvalidInputException e) {
            System.err.println("loci mcp: " + e.getMessage().replace("dataDir", "--data-dir"));
            return 2;
        } catch (LociException e) {
            System.err.println("loci mcp: " + e.getMessage());
            return 3;
        } finally {
            System.setOut(protocol);
        }
        System.err.println("loci mcp: stdin closed, stopped");
        return 0;
    }
}
