package dev.loci.cli;

import dev.loci.DataDirLockedException;
import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.StorageException;
import dev.loci.eval.EvalDataException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code loci} command. Every subcommand is registered here explicitly, and every exception
 * becomes a one-line message and an exit code here (2 bad input, 3 storage, 1 anything else).
 */
@Command(name = "loci", mixinStandardHelpOptions = true, version = "Loci 0.1.0",
        description = "Long-term memory for LLM agents: ingest conversations, recall what matters.")
public final class Main implements Runnable {
    /**
     * Every subcommand, in the order help lists them. Registered in {@link #run(Map, String...)}:
     * building picocli's model of a command reads all its annotations, which for all of them cost
     * a short command a noticeable part of its start-up, so a command line naming one gets that one.
     */
    static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, IngestCommand.class, RecallCommand.class,
            ContextCommand.class, ListCommand.class, UsersCommand.class, GetCommand.class, UpdateCommand.class, HistoryCommand.class,
            ForgetCommand.class, PurgeCommand.class, dev.loci.server.cli.ServeCommand.class,
            dev.loci.server.cli.KeysCommand.class, StatsCommand.class, EvalCommand.class, BenchCommand.class,
            dev.loci.mcp.McpCommand.class, CheckCommand.class, RepairCommand.class, ExportCommand.class,
            ImportCommand.class, BackupCommand.class, RestoreCommand.class, CommandLine.HelpCommand.class);

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
    /**
     * The tokenizer library (DJL) looks for a GPU when the model loads and, on a machine with CUDA
     * libraries but no usable driver, warns twice that it found none; Loci runs on the CPU anyway.
     * DJL logs through SLF4J, bound to java.util.logging here. Held for the same reason.
     */
    private static final java.util.logging.Logger DJL_CUDA =
            java.util.logging.Logger.getLogger("ai.djl.util.cuda.CudaUtils");

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
        DJL_CUDA.setLevel(java.util.logging.Level.SEVERE); // even with LOCI_VERBOSE: it is never about Loci
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (used by tests). */
    static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** Runs the command line with {@code env} as the environment its options may come from. */
    static int run(Map<String, String> env, String... args) {
        var cli = new CommandLine(new Main());
        // A configuration file is checked against every command's options, and help, usage and a
        // mistyped command list them all: those get every command; a line naming one gets it alone.
        String named = args.length > 0 && !args[0].startsWith("-") && ConfigDefaults.fileNamed(args, env) == null
                ? args[0] : null;
        boolean known = named != null && !named.equals("help") && COMMANDS.stream().anyMatch(c -> named.equals(nameOf(c)));
        for (Class<?> command : COMMANDS) {
            if (!known || named.equals(nameOf(command))) {
                cli.addSubcommand(command);
            }
        }
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

    /** A command's name as its annotation gives it, read without building its model. */
    static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
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

    /**
     * For a command that needs the data directory to itself (check, repair, export, import...):
     * when a running {@code loci serve} holds it, a message naming the server instead of the lock.
     */
    private static java.util.Optional<String> heldByServer(CommandLine cli) {
        var option = cli.getCommandSpec().findOption("--data-dir");
        if (option == null || !(option.getValue() instanceof java.nio.file.Path dir)) {
            return java.util.Optional.empty();
        }
        return RunningServer.describeLive(dir).map(server -> "data directory " + dir + " is held by " + server
                + ", and loci " + cli.getCommandName() + " needs it to itself: stop the server first");
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
        } else if (e instanceof DataDirLockedException) {
            code = EXIT_STORAGE;
            message = heldByServer(cli).orElse(e.getMessage());
        } else if (e instanceof StorageException) {
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
