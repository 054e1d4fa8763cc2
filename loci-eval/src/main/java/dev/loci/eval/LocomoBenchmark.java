package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoCoMo retrieval evaluation through Loci's public API.
 *
 * <p>Each conversation is remembered in its own scope (tenant {@value #TENANT}, user = sample
 * id, session = {@code session_N}); sessions in order, every turn with its session's date plus
 * its index in seconds (so order is kept), its speaker, its {@code dia_id} as client id, and an
 * image turn's caption appended as "[image: ...]" unless turned off. Each question is recalled in
 * its conversation's user scope by every pipeline; results are expanded to turns by
 * {@link TurnExpansion} and scored by {@link Metrics#locomo}. MRR is computed over the recall
 * depth (default 100 turns), not the whole conversation. Not thread-safe.
 */
public final class LocomoBenchmark {
    /** Tenant the conversations are remembered under. */
    public static final String TENANT = "locomo";

    /**
     * @param includeAdversarial also score category 5 (default false)
     * @param captions           append image captions to image turns (default true)
     * @param ks                 cut-offs for recall@k and hit@k (default 1, 5, 10, 20)
     * @param depth              turns retrieved per question, for MRR (default 100)
     * @param embedderSample     turn texts embedded on their own to measure the embedder (default 1,000)
     * @param contextBudgets     token budgets at which {@code context} blocks are measured (default 1,000 and 2,000)
     * @param conversations      1-based positions of the conversations to evaluate, in file order
     *                           (default empty: all of them)
     * @param split              also report the first half of the conversations (in file order,
     *                           rounded up: "tune (1-5)" of ten) and the second ("held-out (6-10)")
     *                           on their own, so tuning on the first half that does not carry over shows
     *                           (default false)
     * @param haystack           how many other conversations' sessions each user is also given, as a
     *                           longer and noisier history ({@link Haystack}; default 0, 0..9)
     */
    public record Options(boolean includeAdversarial, boolean captions, List<Integer> ks, int depth,
                          int embedderSample, List<Integer> contextBudgets, List<Integer> conversations, boolean split,
                          int haystack) {
        public Options(boolean includeAdversarial, boolean captions, List<Integer> ks, int depth, int embedderSample,
                       List<Integer> contextBudgets) {
            this(includeAdversarial, captions, ks, depth, embedderSample, contextBudgets, List.of(), false, 0);
        }

        public Options {
            ks = List.copyOf(ks);
            contextBudgets = List.copyOf(contextBudgets);
            conversations = List.copyOf(conversations);
            if (conversations.stream().anyMatch(c -> c < 1)) {
                throw new dev.loci.InvalidInputException("conversations", "must be 1-based positions, was " + conversations);
            }
            if (contextBudgets.stream().anyMatch(b -> b < 1 || b > 1_000_000)) {
                throw new dev.loci.InvalidInputException("contextBudgets", "must be in 1..1000000 tokens, was "
                        + contextBudgets);
            }
            if (haystack < 0 || haystack > 9) {
                throw new dev.loci.InvalidInputException("haystack", "must be in 0..9 conversations, was " + haystack);
            }
            if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1)) {
                throw new dev.loci.InvalidInputException("ks", "must be positive cut-offs, was " + ks);
            }
            if (depth < ks.stream().mapToInt(Integer::intValue).max().orElseThrow() || depth > 1000) {
                throw new dev.loci.InvalidInputException("depth", "must be >= the largest k and <= 1000, was " + depth);
            }
        }

        public static Options defaults() {
            return new Options(false, true, List.of(1, 5, 10, 20), 100, 1000, List.of(1000, 2000));
        }

        public Options withAdversarial(boolean on) {
            return new Options(on, captions, ks, depth, embedderSample, contextBudgets, conversations, split, haystack);
        }

        public Options withCaptions(boolean on) {
            return new Options(includeAdversarial, on, ks, depth, embedderSample, contextBudgets, conversations, split, haystack);
        }

        /** Only these conversations (1-based, file order); empty for all. */
        public Options withConversations(List<Integer> positions) {
            return new Options(includeAdversarial, captions, ks, depth, embedderSample, contextBudgets, positions, split, haystack);
        }

        /** Also report the two halves of the conversations on their own (see {@link #split()}). */
        public Options withSplit(boolean on) {
            return new Options(includeAdversarial, captions, ks, depth, embedderSample, contextBudgets, conversations, on, haystack);
        }

        /** Each user also holds {@code n} other conversations' sessions (see {@link Haystack}). */
        public Options withHaystack(int n) {
            return new Options(includeAdversarial, captions, ks, depth, embedderSample, contextBudgets, conversations,
                    split, n);
        }

        /**
         * Parses "1-5", "6-10" or "1,3,7-9" into 1-based positions.
         *
         * @throws dev.loci.InvalidInputException naming {@code conversations} when the text is not such a list
         */
        public static List<Integer> positions(String text) {
            var out = new java.util.TreeSet<Integer>();
            try {
                for (String part : text.split(",")) {
                    String[] ends = part.strip().split("-");
                    int a = Integer.parseInt(ends[0].strip());
                    int b = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : a;
                    if (ends.length > 2 || a < 1 || b < a) {
                        throw new NumberFormatException(part);
                    }
                    for (int i = a; i <= b; i++) {
                        out.add(i);
                    }
                }
            } catch (NumberFormatException e) {
                throw new dev.loci.InvalidInputException("conversations",
                        "must be 1-based positions like 1-5 or 1,3,7-9, was '" + text + "'");
            }
            return List.copyOf(out);
        }
    }

    private final Options options;
    private final Map<String, Pipelines.Pipeline> pipelines;

    public LocomoBenchmark(Options options) {
        this(options, Pipelines.standard(options.depth()));
    }

    public LocomoBenchmark(Options options, Map<String, Pipelines.Pipeline> pipelines) {
        this.options = options;
        this.pipelines = pipelines;
    }

    /** The messages of one session as the benchmark remembers them. */
    public static List<Message> messages(LocomoDataset.Session session, boolean captions) {
        return messages(session, captions, "");
    }

    /** The same, with every client id (and {@code dia_id}) prefixed, for the turns of a {@link Haystack}. */
    static List<Message> messages(LocomoDataset.Session session, boolean captions, String idPrefix) {
        var out = new ArrayList<Message>(session.turns().size());
        for (int i = 0; i < session.turns().size(); i++) {
            LocomoDataset.Turn t = session.turns().get(i);
            String text = captions && t.caption() != null ? t.text() + " [image: " + t.caption() + "]" : t.text();
            String id = idPrefix + t.diaId();
            out.add(new Message(null, t.speaker(), text, session.date().plusSeconds(i), id, Map.of("dia_id", id)));
        }
        return out;
    }

    /** The scope a conversation's session is remembered in. */
    public static Scope scope(LocomoDataset.Conversation c, LocomoDataset.Session s) {
        return new Scope(TENANT, c.sampleId(), null, "session_" + s.number());
    }

    public EvalReport run(Path file, Path outDir, LociFactory factory, ProgressListener progress) throws IOException {
        var repairs = new LocomoDataset.Repairs();
        List<LocomoDataset.Conversation> all = LocomoDataset.read(file, repairs);
        Map<String, String> splitOf = splits(all);
        List<LocomoDataset.Conversation> conversations = options.conversations().isEmpty() ? all
                : options.conversations().stream().filter(i -> i <= all.size()).map(i -> all.get(i - 1)).toList();
        Path dataDir = Files.createTempDirectory(Files.createDirectories(outDir), "data-");
        var counts = new LinkedHashMap<String, Long>();
        counts.put("conversations", (long) conversations.size());
        var runs = new PipelineRuns(pipelines);
        var contextRuns = options.contextBudgets().isEmpty() ? null : new ContextRuns(options.contextBudgets());
        Map<String, Map<String, String>> texts = new HashMap<>(); // conversation -> dia_id -> remembered text
        double ingestRate;
        double embedRate;
        int perCall; // texts per embedder call when measuring it alone: the mean remember call
        Map<String, Double> resources = new LinkedHashMap<>();
        try (LociEngine loci = factory.open(dataDir)) {
            Map<String, List<Haystack.Placed>> placed = new LinkedHashMap<>();
            for (var c : conversations) {
                placed.put(c.sampleId(), Haystack.sessions(c, pool(all, splitOf, c), options.haystack()));
            }
            long turns = placed.values().stream().flatMap(List::stream)
                    .mapToLong(p -> p.session().turns().size()).sum();
            counts.put("turns", turns);
            if (options.haystack() > 0) {
                counts.put("haystack_turns", turns - conversations.stream()
                        .mapToLong(LocomoDataset.Conversation::turnCount).sum());
            }
            progress.start("ingest", turns);
            long t0 = System.nanoTime();
            List<String> sample = new ArrayList<>();
            for (var c : conversations) {
                for (var p : placed.get(c.sampleId())) {
                    List<Message> msgs = messages(p.session(), options.captions(), p.idPrefix());
                    msgs.forEach(m -> texts.computeIfAbsent(c.sampleId(), x -> new HashMap<>()).put(m.clientId(), m.text()));
                    loci.remember(new Scope(TENANT, c.sampleId(), null, p.sessionId()), msgs);
                    msgs.stream().limit(Math.max(0, options.embedderSample() - sample.size()))
                            .forEach(m -> sample.add(m.speaker() + ": " + m.text()));
                    progress.step(msgs.size());
                }
            }
            ingestRate = turns / ((System.nanoTime() - t0) / 1e9);
            progress.done();
            long calls = placed.values().stream().mapToLong(List::size).sum();
            perCall = (int) Math.max(1, Math.round(turns / (double) Math.max(1, calls)));
            embedRate = Throughput.embedderTextsPerSecond(loci.embedder(), sample, perCall);

            long total = conversations.stream().mapToLong(c -> c.questions().size()).sum();
            progress.start("recall", total);
            for (var c : conversations) {
                Scope user = new Scope(TENANT, c.sampleId(), null, null);
                for (var q : c.questions()) {
                    counts.merge("qa_total", 1L, Long::sum);
                    progress.step(1);
                    if (q.category() == 5 && !options.includeAdversarial()) {
                        counts.merge("skipped_adversarial", 1L, Long::sum);
                        continue;
                    }
                    if (q.evidence().isEmpty()) {
                        counts.merge("skipped_no_evidence", 1L, Long::sum);
                        continue;
                    }
                    String group = q.category() + " " + LocomoDataset.CATEGORIES.getOrDefault(q.category(), "?");
                    runs.run(loci, user, RecallQuery.of(q.question()).withK(options.depth()), group,
                            splitOf.get(c.sampleId()),
                            results -> Metrics.locomo(TurnExpansion.turns(loci, user, results, options.depth()),
                                    q.evidence(), options.ks()));
                    if (contextRuns != null) {
                        contextRuns.run(loci, user, q.question(),
                                q.evidence().stream().map(id -> texts.get(c.sampleId()).get(id)).toList());
                    }
                }
            }
            progress.done();
            counts.put("qa_evaluated", (long) runs.questions());
            var stats = loci.stats();
            resources.put("memories", (double) stats.memories());
            resources.put("index_bytes_per_memory", stats.memories() == 0 ? 0 : stats.diskBytes() / (double) stats.memories());
        }
        resources.put("peak_rss_mb", Resources.peakRssMb());
        repairs.asMap().forEach(counts::put);
        deleteTree(dataDir);

        List<String> headline = new ArrayList<>();
        options.ks().forEach(k -> headline.add("recall@" + k));
        options.ks().forEach(k -> headline.add("hit@" + k));
        headline.add("mrr");
        var config = new LinkedHashMap<String, String>();
        config.put("file", file.getFileName().toString());
        config.put("categories", options.includeAdversarial() ? "1-5" : "1-4");
        config.put("captions", Boolean.toString(options.captions()));
        config.put("depth", Integer.toString(options.depth()));
        config.put("embedder_batch", Integer.toString(perCall));
        if (options.haystack() > 0) {
            config.put("haystack", options.haystack() + " other conversations per user");
        }
        if (!options.conversations().isEmpty()) {
            config.put("conversations", options.conversations().toString());
        }
        var report = new EvalReport("locomo", Pipelines.DEFAULT, runs.results(),
                ingestFigures(ingestRate, embedRate), counts, resources, config,
                headline, contextRuns == null ? Map.of() : contextRuns.results(), runs.splitResults());
        report.write(outDir);
        return report;
    }

    /** The conversations {@code c} may borrow a haystack from: its half with --split, else the whole file. */
    private static List<LocomoDataset.Conversation> pool(List<LocomoDataset.Conversation> all,
                                                         Map<String, String> splitOf, LocomoDataset.Conversation c) {
        String half = splitOf.get(c.sampleId());
        return half == null ? all : all.stream().filter(x -> half.equals(splitOf.get(x.sampleId()))).toList();
    }

    /** Conversation id to its split's name ("tune (1-5)", "held-out (6-10)"), empty when not splitting. */
    private Map<String, String> splits(List<LocomoDataset.Conversation> all) {
        var out = new HashMap<String, String>();
        if (!options.split() || all.isEmpty()) {
            return out;
        }
        int half = (all.size() + 1) / 2;
        String tune = "tune (1-" + half + ")";
        String held = "held-out (" + (half + 1) + "-" + all.size() + ")";
        for (int i = 0; i < all.size(); i++) {
            out.put(all.get(i).sampleId(), i < half ? tune : held);
        }
        return out;
    }

    static Map<String, Double> ingestFigures(double turnsPerS, double embedderTextsPerS) {
        var m = new LinkedHashMap<String, Double>();
        m.put("turns_per_s", turnsPerS);
        m.put("embedder_texts_per_s", embedderTextsPerS);
        return m;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
