package dev.loci.cli;

import dev.loci.DataDirLockedException;
import dev.loci.Loci;
import dev.loci.StorageException;
import dev.loci.embedded.EmbeddedLoci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.embedded.TerminationSignals;
import dev.loci.engine.LociEngine;
import dev.loci.server.cli.StoreChoice;
import java.nio.file.Path;
import java.util.function.Consumer;
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

    /**
     * As {@link #open(EmbeddedOptions)}, or, when a {@code loci serve} of this machine holds the data
     * directory, a client on that server working in {@code tenant} (said on stderr for
     * {@code command}). Fails as the open does when the directory is locked by anything else.
     */
    Loci openOrThroughServer(EmbeddedOptions options, String tenant, String command) {
        RunningServer server = runningServer();
        if (server != null) {
            Loci client = server.client(tenant);
            server.announce(System.err, command);
            return client;
        }
        try {
            return open(options);
        } catch (DataDirLockedException locked) {
            throw RunningServer.explain(path, locked);
        }
    }

    /**
     * The server holding the data directory, for a command (stats) that reads the server's own
     * figures; null when no server holds it, and then {@code engine} has been given the open engine.
     */
    RunningServer serverOrOpen(EmbeddedOptions options, Consumer<LociEngine> engine, String command) {
        RunningServer server = runningServer();
        if (server != null) {
            server.announce(System.err, command);
            return server;
        }
        try {
            engine.accept(open(options));
            return null;
        } catch (DataDirLockedException locked) {
            throw RunningServer.explain(path, locked);
        }
    }

    /**
     * The running server its server file names, ready, if the store is the directory's; tried before
     * the directory itself, which would start loading a model only to find the lock held. A server
     * that does not answer is left for the open to explain (the process may be someone else's by now).
     */
    private RunningServer runningServer() {
        if (store.elasticsearch()) {
            return null; // nothing is locked: every command opens the cluster itself
        }
        var named = RunningServer.named(path);
        if (named.isEmpty()) {
            return null;
        }
        try {
            named.get().awaitReady();
            return named.get();
        } catch (StorageException e) {
            return null;
        }
    }

    /**
     * What a command that needs the store to itself (compaction, a physical purge) says instead of
     * working through a server: {@code why} and how to go on.
     */
    static StorageException needsStoreToItself(String why, String otherwise) {
        return new StorageException(why + ", which the running loci serve holds: stop the server first"
                + (otherwise == null ? "" : ", or " + otherwise), false);
    }

    /** Whether {@code loci} works through a server rather than on the data directory itself. */
    static boolean throughServer(Loci loci) {
        return !(loci instanceof LociEngine);
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

    /**
     * Settings for commands that only read (get, history, list, stats, recall, context): no
     * background builder of session and topic memories, which only remember, update and forget
     * feed, and whose thread a close would otherwise wait on (up to half a second) for nothing.
     */
    static EmbeddedOptions reading(EmbeddedOptions options) {
        return options.withLoci(options.loci().withConsolidation(options.loci().consolidation().withLevels(false)));
    }

    /** Settings for commands that read or change what is there: the directory must exist. */
    static EmbeddedOptions existing() {
        return EmbeddedOptions.defaults().withCreateIfMissing(false);
    }
}
