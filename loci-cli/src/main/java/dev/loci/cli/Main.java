package dev.loci.cli;

import dev.loci.DataDirLockedException;
import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.StorageException;
import dev.loci.eval.EvalDataException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code loci} command. Every subcommand is registered here explicitly, and every exception
 * becomes a one-line message and an exit code here (2 bad input, 3 storage, 1 anything else).
 */
@Command(name = "loci", mixinStandardHelpOptions = true, version = "Loci 0.1.0",
        description = "Long-term memory for LLM agents: ingest conversations, recall what matters.",
        subcommands = {DemoCommand.class, IngestCommand.class, RecallCommand.class, ContextCommand.class,
                ListCommand.class, UsersCommand.class, GetCommand.class, UpdateCommand.class, HistoryCommand.class, ForgetCommand.class, PurgeCommand.class,
                dev.loci.server.cli.ServeCommand.class,
                dev.loci.server.cli.KeysCommand.class,
                StatsCommand.class, EvalCommand.class, BenchCommand.class, dev.loci.mcp.McpCommand.class,
                CheckCommand.class, RepairCommand.class, ExportCommand.class, ImportCommand.class, BackupCommand.class,
                RestoreCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad input (file, field, option). */
    static final int EXIT_BAD_INPUT = 2;
    /** Exit code for storage problems (locked, corrupt, I/O). */
    static final int EXIT_STORAGE = 3;

    /**
     * Lucene warns when it runs without its SIMD module, which the launcher leaves out on purpose
     * (docs/BENCHMARKS.md); held here because the logging framework keeps loggers only weakly.
     */
    private static final java.util.logging.Logger LUCENE_VECTORS =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getenv("LOCI_VERBOSE") == null) {
            // Library start-up chatter (SIMD provider, model settings) stays out of the user's way.
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
            for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
                h.setLevel(java.util.logging.Level.WARNING);
            }
            LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (used by tests). */
    static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** Runs the command line with {@code env} as the environment its options may come from. */
    static int run(Map<String, String> env, String... args) {
        var cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handle);
        ConfigDefaults.addOptionTo(cli);
        try {
            cli.setDefaultValueProvider(ConfigDefaults.forArgs(cli.getCommandSpec(), args, env));
        } catch (InputFileException e) {
            cli.getErr().println("loci: error: " + e.getMessage());
            cli.getErr().flush();
            return EXIT_BAD_INPUT;
        }
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The engine names what is wrong by its API field ({@code query.k}); on the command line that is
     * an option or an argument ({@code --k}), so the message says that instead.
     */
    private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
            Map.entry("dataDir", "--data-dir"),
            Map.entry("out", "--out"),
            Map.entry("scope.tenant", "--tenant"),
            Map.entry("scope.userId", "--user"),
            Map.entry("scope.agentId", "--agent"),
            Map.entry("scope.sessionId", "--session"),
            Map.entry("query", "QUERY"),
            Map.entry("query.text", "QUERY"),
            Map.entry("query.k", "--k"),
            Map.entry("budget", "--budget"),
            Map.entry("encoding", "--encoding"),
            Map.entry("timeRange", "--from/--to"),
            Map.entry("filter.metadata", "--meta"),
            Map.entry("id", "ID"),
            Map.entry("limit", "--limit"),
            Map.entry("cursor", "--cursor"),
            Map.entry("text", "TEXT"));

    static String inUserTerms(InvalidInputException e) {
        String option = OPTION_OF_FIELD.get(e.field());
        String message = e.getMessage();
        return option != null && message.startsWith(e.field() + ": ")
                ? option + message.substring(e.field().length()) : message;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        int code;
        String message;
        if (e instanceof InvalidInputException invalid) {
            code = EXIT_BAD_INPUT;
            message = inUserTerms(invalid);
        } else if (e instanceof InputFileException || e instanceof EvalDataException) {
            code = EXIT_BAD_INPUT;
            message = e.getMessage();
        } else if (e instanceof DataDirLockedException || e instanceof StorageException) {
            code = EXIT_STORAGE;
            message = e.getMessage();
        } else if (e instanceof LociException) {
            code = 1;
            message = e.getMessage();
        } else {
            code = 1;
            message = "internal error: " + e;
            e.printStackTrace(err);
        }
        err.println("loci " + cli.getCommandName() + ": error: " + message);
        err.flush();
        return code;
    }
}
