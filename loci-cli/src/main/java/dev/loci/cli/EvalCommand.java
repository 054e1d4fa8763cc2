package dev.loci.cli;

import dev.loci.embedded.EmbeddedOptions;
import dev.loci.embedded.TerminationSignals;
import dev.loci.eval.EvalReport;
import dev.loci.eval.LocomoBenchmark;
import dev.loci.eval.LongMemEvalBenchmark;
import dev.loci.eval.Pipelines;
import dev.loci.eval.ProgressListener;
import dev.loci.server.cli.StoreChoice;
import dev.loci.store.elasticsearch.ElasticsearchMemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loci eval}: retrieval quality and speed on LoCoMo or LongMemEval-format files. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure retrieval quality and speed; writes OUT/report.md and OUT/report.json.",
                "  loci eval locomo FILE --out DIR", "  loci eval longmemeval FILE --out DIR"})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BENCHMARK", description = "locomo or longmemeval")
    String benchmark;

    @Parameters(index = "1", paramLabel = "FILE", description = "The benchmark's JSON file.")
    Path file;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the report goes.")
    Path out;

    @Option(names = "--adversarial", description = "LoCoMo: also score category 5 (adversarial).")
    boolean adversarial;

    @Option(names = "--no-captions", description = "LoCoMo: leave out image captions.")
    boolean noCaptions;

    @Option(names = "--conversations", paramLabel = "LIST",
            description = "LoCoMo: evaluate only these conversations, 1-based in file order (e.g. 1-5 or 1,3,7-9).")
    String conversations;

    @Option(names = "--split", description = "LoCoMo: also report the first half of the conversations (tune, 1-5)"
            + " and the second half (held-out, 6-10) side by side.")
    boolean split;

    @Option(names = "--haystack", paramLabel = "N", description = "LoCoMo: give each user also the sessions of N"
            + " other conversations (same half with --split), renamed to its speakers: a longer, noisier history"
            + " (default 0).")
    int haystack;

    @Option(names = "--pipelines", paramLabel = "ROWS", split = ",",
            description = "Run only these rows of the report (comma-separated names, e.g. dense,hybrid), and no "
                    + "context blocks; the default pipeline 'loci' is always run. Default: every row.")
    List<String> pipelines = List.of();

    @Option(names = "--no-progress", description = "Do not draw progress bars.")
    boolean noProgress;

    @Option(names = "--no-episodes", description = "Ablation: ingest without episode consolidation.")
    boolean noEpisodes;

    @Option(names = "--no-context-keys", description = "Ablation: index turns without context and date keys.")
    boolean noContextKeys;

    @Option(names = "--no-reinforce", description = "Recalls do not count as recalls of what they return (no "
            + "write per recall; changes only the retention row, whose weight is off by default).")
    boolean noReinforce;

    @Mixin
    StoreChoice store;

    /**
     * On SIGTERM or SIGINT ({@link TerminationSignals} closes what was registered, latest first):
     * {@link #stopping} is closed before each engine, so the work that then fails on the closed engine
     * ends quietly; {@link #leftovers} last, after the engines, removes the run's temporary stores.
     */
    private final Stopping stopping = new Stopping();
    private final Leftovers leftovers = new Leftovers();

    /** Throwaway Elasticsearch indices this run made, deleted when it ends. */
    private final java.util.List<dev.loci.store.elasticsearch.ElasticsearchStoreConfig> throwaway =
            new java.util.ArrayList<>();

    /**
     * The engine for one benchmark data directory: memories in it, or, with --store elasticsearch, in
     * an index of its own (named after it, deleted at the end) unless --es-index names one.
     */
    private dev.loci.engine.LociEngine open(Path dir) {
        var loci = dev.loci.LociConfig.defaults();
        var c = loci.consolidation().withEpisodes(!noEpisodes).withContextKeys(!noContextKeys);
        loci = loci.withConsolidation(c).withForgetting(loci.forgetting().toBuilder().reinforceOnRecall(!noReinforce).build());
        EmbeddedOptions options = store.applyThrowaway(EmbeddedOptions.defaults().withLoci(loci),
                "loci-eval-" + dir.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9_-]", "-"));
        if (options.elasticsearch() != null && store.isThrowaway()) {
            // every remember waits for a refresh: a short interval keeps a run from waiting on it
            // (what is compared is recall quality, which the interval does not change)
            var config = options.elasticsearch();
            options = options.withElasticsearch(new dev.loci.store.elasticsearch.ElasticsearchStoreConfig(config.hosts(),
                    config.index(), config.shards(), config.replicas(), config.waitForActiveShards(),
                    java.time.Duration.ofMillis(100), config.connectTimeout(), config.requestTimeout()));
            throwaway.add(options.elasticsearch());
        }
        try {
            var engine = DataDirOption.open(dir, options);
            TerminationSignals.closeOnTermination(stopping); // closed before the engine: a stop, not a failure
            return engine;
        } catch (RuntimeException e) {
            throw store.explain(e);
        }
    }

    private Map<String, Pipelines.Pipeline> rows(int depth) {
        return Pipelines.select(Pipelines.standard(depth), pipelines);
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new InputFileException(file, null, "no such file");
        }
        store.elasticsearch(); // bad store options fail before the data set is read
        leftovers.watch(out);
        TerminationSignals.closeOnTermination(leftovers);
        try {
            return evaluate();
        } catch (Exception | Error e) {
            if (stopping.signalled) {
                // the engine was closed under the run by a signal: the process is exiting with the signal's code
                Thread.sleep(Long.MAX_VALUE);
            }
            throw e;
        } finally {
            throwaway.forEach(ElasticsearchMemoryStore::deleteIndex);
        }
    }

    private int evaluate() throws Exception {
        ProgressListener progress = noProgress ? ProgressListener.NONE : new Bars();
        EvalReport report = switch (benchmark) {
            case "locomo" -> {
                var o = LocomoBenchmark.Options.defaults().withAdversarial(adversarial)
                        .withCaptions(!noCaptions).withSplit(split).withHaystack(haystack)
                        .withConversations(conversations == null ? List.of()
                                : LocomoBenchmark.Options.positions(conversations));
                if (!pipelines.isEmpty()) { // the chosen rows only, and no context blocks
                    o = new LocomoBenchmark.Options(o.includeAdversarial(), o.captions(), o.ks(), o.depth(),
                            o.embedderSample(), List.of(), o.conversations(), o.split(), o.haystack());
                }
                yield new LocomoBenchmark(o, rows(o.depth())).run(file, out, this::open, progress);
            }
            case "longmemeval" -> {
                var options = LongMemEvalBenchmark.Options.defaults();
                yield new LongMemEvalBenchmark(options, rows(options.depth())).run(file, out, this::open, progress);
            }
            default -> throw new dev.loci.InvalidInputException("BENCHMARK", "'" + benchmark
                    + "' is not a benchmark; use locomo or longmemeval");
        };
        System.out.println(Files.readString(out.resolve("report.md")));
        System.out.println("wrote " + out.resolve("report.md") + " and " + out.resolve("report.json")
                + " (" + report.pipelines().size() + " pipelines)");
        return 0;
    }

    /** Set when a signal stops the run, before its engines close. */
    private static final class Stopping implements AutoCloseable {
        volatile boolean signalled;

        @Override
        public void close() {
            signalled = true;
        }
    }

    /**
     * The run's temporary stores ({@code OUT/data-*} directories that were not there when it began),
     * removed when a signal stops it, with one line saying so. Only closed by {@link TerminationSignals}:
     * a run that ends by itself removes its store itself.
     */
    private static final class Leftovers implements AutoCloseable {
        private Path out;
        private Set<Path> before = Set.of();

        void watch(Path dir) throws IOException {
            out = dir;
            before = stores(dir);
        }

        @Override
        public void close() {
            var removed = new ArrayList<String>();
            var kept = new ArrayList<String>();
            try {
                for (Path dir : stores(out)) {
                    if (!before.contains(dir)) {
                        try {
                            deleteTree(dir);
                            removed.add(dir.toString());
                        } catch (IOException e) {
                            kept.add(dir + " (" + e.getMessage() + ")");
                        }
                    }
                }
            } catch (IOException e) {
                kept.add(out + " (" + e.getMessage() + ")");
            }
            System.err.println("loci eval: stopped by a signal before the report was written"
                    + (removed.isEmpty() ? "" : "; removed its temporary store " + String.join(", ", removed))
                    + (kept.isEmpty() ? "" : "; could not remove " + String.join(", ", kept)));
            System.err.flush();
        }

        private static Set<Path> stores(Path dir) throws IOException {
            if (dir == null || !Files.isDirectory(dir)) {
                return Set.of();
            }
            try (Stream<Path> children = Files.list(dir)) {
                return children.filter(p -> p.getFileName().toString().startsWith("data-") && Files.isDirectory(p))
                        .collect(Collectors.toSet());
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Progress on standard error, one bar (or, off a terminal, a line now and then) per phase. */
    private static final class Bars implements ProgressListener {
        private Progress progress = new Progress.None();

        @Override
        public void start(String phase, long total) {
            progress = Progress.start(phase, total, "items", true);
        }

        @Override
        public void step(long n) {
            progress.step(n);
        }

        @Override
        public void done() {
            progress.close();
        }
    }
}
