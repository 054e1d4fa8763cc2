package dev.loci.eval;

import dev.loci.engine.LociEngine;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval evaluation on files in the LongMemEval format (a JSON list of items, each with its
 * own haystack of sessions). Each item is its own scope (user = question id); every haystack
 * session is remembered with its date, turns get client ids {@code <session id>#<index>}.
 * Items whose id ends in {@code _abs} (abstention) are skipped. Metrics at session level
 * (results mapped to their session, first occurrence kept) and at turn level (turns marked
 * {@code has_answer}), overall and per {@code question_type}. Not thread-safe.
 */
public final class LongMemEvalBenchmark {
    /** Tenant the items are remembered under. */
    public static final String TENANT = "longmemeval";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd (EEE) HH:mm", Locale.ENGLISH);

    /**
     * @param ks    cut-offs (default 1, 3, 5, 10, 30, 50)
     * @param depth turns retrieved per question (default 300, enough to rank 50 sessions)
     */
    public record Options(List<Integer> ks, int depth) {
        public Options {
            ks = List.copyOf(ks);
            if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1)) {
                throw new dev.loci.InvalidInputException("ks", "must be positive cut-offs, was " + ks);
            }
            if (depth < ks.stream().mapToInt(Integer::intValue).max().orElseThrow() || depth > 1000) {
                throw new dev.loci.InvalidInputException("depth", "must be >= the largest k and <= 1000, was " + depth);
            }
        }

        public static Options defaults() {
            return new Options(List.of(1, 3, 5, 10, 30, 50), 300);
        }
    }

    private final Options options;
    private final Map<String, Pipelines.Pipeline> pipelines;

    public LongMemEvalBenchmark(Options options) {
        this(options, Pipelines.standard(options.depth()));
    }

    public LongMemEvalBenchmark(Options options, Map<String, Pipelines.Pipeline> pipelines) {
        this.options = options;
        this.pipelines = pipelines;
    }


    public EvalReport run(Path file, Path outDir, LociFactory factory, ProgressListener progress) throws IOException {
        JsonNode root = Json.read(file);
        if (!root.isArray()) {
            throw new EvalDataException(file, null, "a LongMemEval file is a JSON list of items");
        }
        Path dataDir = Files.createTempDirectory(Files.createDirectories(outDir), "data-");
        var counts = new LinkedHashMap<String, Long>();
        var sessionRuns = new PipelineRuns(pipelines);
        var turnRuns = new PipelineRuns(pipelines);
        var resources = new LinkedHashMap<String, Double>();
        double ingestSeconds = 0;
        long turns = 0;
        List<String> sample = new ArrayList<>();
        double embedRate;
        try (LociEngine loci = factory.open(dataDir)) {
            progress.start("items", root.size());
            for (int i = 0; i < root.size(); i++) {
                JsonNode item = root.get(i);
                String where = "[" + i + "]";
                String qid = Json.text(item, "question_id", file, where);
                counts.merge("items", 1L, Long::sum);
                progress.step(1);
                if (qid.endsWith("_abs")) {
                    counts.merge("skipped_abstention", 1L, Long::sum);
                    continue;
                }
                var scope = new Scope(TENANT, qid, null, null);
                Set<String> gold = new LinkedHashSet<>();
                long t0 = System.nanoTime();
                turns += ingest(loci, scope, item, file, where, gold, sample);
                ingestSeconds += (System.nanoTime() - t0) / 1e9;

                String type = Json.text(item, "question_type", file, where);
                Instant asked = date(Json.text(item, "question_date", file, where), file, where + ".question_date");
                var query = RecallQuery.of(Json.text(item, "question", file, where)).withK(options.depth())
                        .withAt(asked);
                Set<String> goldSessions = new HashSet<>();
                Json.array(item, "answer_session_ids", file, where).forEach(n -> goldSessions.add(n.asText()));
                sessionRuns.run(loci, scope, query, type, results ->
                        Metrics.longMemEval("session_", sessions(results), goldSessions, options.ks()));
                if (!gold.isEmpty()) {
                    turnRuns.run(loci, scope, query, type, results ->
                            Metrics.longMemEval("turn_", TurnExpansion.turns(loci, scope, results, options.depth()),
                                    gold, options.ks()));
                } else {
                    counts.merge("skipped_turn_level_no_has_answer", 1L, Long::sum);
                }
            }
            progress.done();
            counts.put("evaluated_session_level", (long) sessionRuns.questions());
            counts.put("evaluated_turn_level", (long) turnRuns.questions());
            counts.put("turns", turns);
            var stats = loci.stats();
            resources.put("memories", (double) stats.memories());
            resources.put("index_bytes_per_memory", stats.memories() == 0 ? 0 : stats.diskBytes() / (double) stats.memories());
            embedRate = Throughput.embedderTextsPerSecond(loci.embedder(), sample);
        } finally {
            LocomoBenchmark.deleteTree(dataDir); // after close: a durable store writes to its directory on close
        }
        resources.put("peak_rss_mb", Resources.peakRssMb());
        return report(file, outDir, counts, sessionRuns, turnRuns, resources,
                LocomoBenchmark.ingestFigures(ingestSeconds == 0 ? 0 : turns / ingestSeconds, embedRate));
    }

    private long ingest(LociEngine loci, Scope scope, JsonNode item, Path file, String where, Set<String> gold,
                        List<String> sample) {
        JsonNode ids = Json.array(item, "haystack_session_ids", file, where);
        JsonNode dates = Json.array(item, "haystack_dates", file, where);
        JsonNode sessions = Json.array(item, "haystack_sessions", file, where);
        if (ids.size() != sessions.size() || dates.size() != sessions.size()) {
            throw new EvalDataException(file, where, "haystack_session_ids, haystack_dates and haystack_sessions"
                    + " must have the same length (" + ids.size() + ", " + dates.size() + ", " + sessions.size() + ")");
        }
        long n = 0;
        for (int s = 0; s < sessions.size(); s++) {
            String sid = ids.get(s).asText();
            String sWhere = where + ".haystack_sessions[" + s + "]";
            Instant date = date(dates.get(s).asText(), file, where + ".haystack_dates[" + s + "]");
            var msgs = new ArrayList<Message>();
            JsonNode turns = sessions.get(s);
            for (int t = 0; t < turns.size(); t++) {
                JsonNode turn = turns.get(t);
                String tWhere = sWhere + "[" + t + "]";
                String role = Json.text(turn, "role", file, tWhere);
                String content = Json.text(turn, "content", file, tWhere);
                String tid = sid + "#" + t;
                if (content.isBlank()) {
                    continue; // an empty turn cannot be remembered; it cannot be evidence either
                }
                if (turn.path("has_answer").asBoolean(false)) {
                    gold.add(tid);
                }
                msgs.add(new Message(role, role, content, date.plusSeconds(t), tid, Map.of("session_id", sid)));
                if (sample.size() < 1000) {
                    sample.add(role + ": " + content);
                }
            }
            loci.remember(scope.withSession(sid), msgs);
            n += msgs.size();
        }
        return n;
    }

    /** Sessions of the results in rank order, first occurrence kept. */
    private static List<String> sessions(List<Recalled> results) {
        var out = new LinkedHashSet<String>();
        for (Recalled r : results) {
            String sid = r.memory().scope().sessionId();
            if (sid != null) {
                out.add(sid);
            }
        }
        return new ArrayList<>(out);
    }

    static Instant date(String value, Path file, String where) {
        try {
            return LocalDateTime.parse(value.trim(), DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new EvalDataException(file, where, "'" + value + "' is not a date like '2023/05/20 (Sat) 02:21'");
        }
    }

    private EvalReport report(Path file, Path outDir, Map<String, Long> counts, PipelineRuns sessionRuns,
                              PipelineRuns turnRuns, Map<String, Double> resources, Map<String, Double> ingest)
            throws IOException {
        var merged = new LinkedHashMap<String, EvalReport.PipelineResult>();
        var sessionResults = sessionRuns.results();
        var turnResults = turnRuns.results();
        for (String name : pipelines.keySet()) {
            var s = sessionResults.get(name);
            var t = turnResults.get(name);
            var overall = new LinkedHashMap<>(s.overall());
            overall.putAll(t.overall());
            var groups = new LinkedHashMap<String, Map<String, Double>>();
            s.groups().forEach((g, m) -> groups.put(g, new LinkedHashMap<>(m)));
            t.groups().forEach((g, m) -> groups.computeIfAbsent(g, x -> new LinkedHashMap<>()).putAll(m));
            merged.put(name, new EvalReport.PipelineResult(overall, groups, s.groupSizes(), s.latencyMs(),
                    s.tokensPerQuery()));
        }
        List<String> headline = new ArrayList<>();
        for (String level : List.of("session_", "turn_")) {
            for (int k : List.of(5, 10)) {
                if (options.ks().contains(k)) {
                    headline.add(level + "recall_any@" + k);
                    headline.add(level + "recall_all@" + k);
                    headline.add(level + "ndcg_any@" + k);
                }
            }
        }
        var config = new LinkedHashMap<String, String>();
        config.put("file", file.getFileName().toString());
        config.put("depth", Integer.toString(options.depth()));
        config.put("ks", options.ks().toString());
        var report = new EvalReport("longmemeval", Pipelines.DEFAULT, merged, ingest, counts, resources, config, headline);
        report.write(outDir);
        return report;
    }
}
