package dev.loci.internal.recall;

import dev.loci.ForgettingConfig;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.RecallConfig;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.Recalled;
import dev.loci.Retention;
import dev.loci.Scope;
import dev.loci.Signal;
import dev.loci.TimeRange;
import dev.loci.internal.util.DateKeys;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Recall, top to bottom:
 * <ol>
 *   <li>embed the query;</li>
 *   <li>fetch BM25 and kNN candidate ids of the wanted kinds under the scope and filters, and fuse
 *       them: by normalised scores ({@link ScoreFusion}, the default) or by weighted reciprocal
 *       rank fusion; with pseudo-relevance feedback (off by default), a second kNN search from the
 *       question's vector moved toward the three strongest fused candidates is fused in as a third list
 *       at {@code feedbackWeight x} the dense weight;</li>
 *   <li>facts as keys (off by default): the facts the question finds, scored on the turns' scale, lift
 *       the turns they were read from to at least {@code factWeight x} that score;</li>
 *   <li>sessions first (on by default): each session's strongest candidates score it (best plus half
 *       the second best), and each candidate rises by {@code sessionWeight x} its session's score;</li>
 *   <li>hierarchy routing: fetch and fuse the best episodes the same way; each candidate turn of such
 *       an episode gains {@code routingWeight x} the episode's fused score, so turns whose whole
 *       episode matches the query rise above lone word matches;</li>
 *   <li>temporal contiguity (after EM-LLM): the turns just before and after each of the strongest
 *       candidates in its episode score at least {@code contiguityWeight x} its score, and may enter
 *       the ranking that way;</li>
 *   <li>temporal steps: when the question names a time ("last weekend", "in May 2023", resolved
 *       against {@link RecallQuery#at()}), a second search restricted to that period adds its
 *       share ({@code periodWeight}) of its fused score to what it finds; and (off by default) for a
 *       question asking when something happened, the strongest few ({@code temporalCandidates}) whose
 *       text names a time are raised by {@code temporalWeight x} their score;</li>
 *   <li>speaker: when the question names whoever said a candidate, it rises by {@code speakerWeight x}
 *       its score (the name says whose turn it is; it is not a matched word, and the question's vector
 *       leaves it out), and by half that when the question names the speaker by person (a first-person
 *       question names the user's turns, one about what "you" said the agent's);</li>
 *   <li>recency (off by default; for questions about the present, {@code presentWeight}): the
 *       strongest candidates from later days are raised a little, so of two equally relevant
 *       statements the newer comes first;</li>
 *   <li>retention (off by default): the strongest candidates are raised by
 *       {@code retentionWeight x} their {@link Retention} as of the recall {@code x} their score, so
 *       among equally relevant memories the recently and often recalled ones come first;</li>
 *   <li>supersession (on by default): the k strongest turns a later turn contradicts (see
 *       {@code FactPipeline}) keep {@code supersededFactor} (half) of their score, so the current
 *       statement comes first;</li>
 *   <li>session spread (off by default): among the strongest, each result already placed from a
 *       session discounts the next from it, so answers spread over sessions all reach the top;</li>
 *   <li>diversity (maximal marginal relevance, off by default): the top places go to strong
 *       candidates unlike those already placed;</li>
 *   <li>load the top k, check them against the filter, and return them with every signal's view.</li>
 * </ol>
 * Every search sees the memories visible as of {@link RecallQuery#asOf()} (now by default): not
 * recorded later, not closed by an update or a superseding statement by then, not expired; or,
 * with {@link RecallQuery#heldAt()}, what held at that moment of the conversations whenever it was
 * recorded (said by then, not closed by a later statement by then), in current versions only.
 * Unless the query names kinds, grouping levels (EPISODE, SESSION, TOPIC), facts and profiles are
 * not returned themselves: they are reached through routing, which starts from episodes, and also from sessions
 * and topics when the query names those kinds (their score then flows down through their
 * episodes to the turns). Thread-safe.
 */
public final class RecallPipeline {
    /**
     * Kinds returned when a query names none: everything but the grouping levels and what Loci
     * reads from turns (FACT: a span of its turn, which would sit next to it as a near copy;
     * PROFILE: the context block puts it first). A query naming FACT gets the current facts.
     */
    static final Set<Kind> DEFAULT_KINDS = EnumSet.complementOf(EnumSet.of(Kind.EPISODE, Kind.SESSION, Kind.TOPIC,
            Kind.FACT, Kind.PROFILE));
    /** Level-2 kinds routing also starts from when a query asks for them (next to turns). */
    private static final Set<Kind> LEVEL_TWO = EnumSet.of(Kind.SESSION, Kind.TOPIC);
    /** Signal name of the routed episode score. */
    public static final String ROUTE = "route";
    /** Signal name of the score inherited from a neighbouring strong hit. */
    public static final String CONTEXT = "context";
    /** Signal name of the score a memory gets for falling in a period the question names. */
    public static final String PERIOD = "period";
    /** Signal name of the raise a time-carrying turn gets on a "when" question. */
    public static final String TEMPORAL = "temporal";
    /** Signal name of the lowering a turn gets when a later turn contradicts it. */
    public static final String SUPERSEDED = "superseded";
    /** Signal name of the raise a candidate gets for being well retained. */
    public static final String RETENTION = "retention";
    /** How many of the strongest candidates retention looks at (each is loaded). */
    static final int RETENTION_CANDIDATES = 50;
    /** How many of the strongest candidates pass score on to their neighbours. */
    static final int CONTIGUITY_SOURCES = 10;
    /** Fewest candidates diversity chooses among (at least k). */
    static final int DIVERSITY_POOL = 30;
    /** How many of the strongest candidates the recency preference looks at (each is loaded). */
    static final int RECENCY_CANDIDATES = 20;
    /** Signal name of the raise a candidate gets when the question names its speaker. */
    public static final String SPEAKER = "speaker";
    /** Signal name of the raise a newer turn gets over an older one of its speaker on the same matter. */
    public static final String NEWER = "newer";
    /** How many of the strongest candidates the newer-first step compares (each is loaded, its vector read). */
    static final int NEWER_CANDIDATES = 10;
    /**
     * Wording by which a statement says something changed ("I moved to ...", "now I teach ...", "my new
     * favourite", "I sold the Volvo"): a newer statement close to an older one replaces it only if it says so;
     * without it, it is the same matter spoken of again (a speaker returns to a subject often in a long history).
     */
    private static final Pattern CHANGE = Pattern.compile(
            "\\b(now|new|moved|moving|switched|changed|change of plans|quit|stopped|no longer|anymore|any more"
                    + "|instead|sold|bought|left|lately|these days|nowadays|replaced|gave up|became|started)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Wording of a question about the past: a newer statement does not answer it better. */
    private static final Pattern PAST_QUESTION = Pattern.compile(
            "\\b(used to|before|previous|previously|formerly|former|originally|at first|first|earlier|in the past"
                    + "|ago|back then|did|didn't|was|wasn't|were|weren't|had|hadn't)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Signal name of the pseudo-relevance feedback search's view of a candidate. */
    public static final String FEEDBACK = "feedback";
    /** How many of the strongest first-round candidates the feedback search moves the question toward. */
    static final int FEEDBACK_HITS = 3;
    /** How far the question's vector moves toward their mean vector (Rocchio's beta; the question keeps weight 1). */
    static final double FEEDBACK_BETA = 0.5;
    /** Signal name of the raise a candidate gets from its session's score. */
    public static final String SESSION = "session";
    /** How many of the strongest candidates score their sessions and are raised by them (each is loaded). */
    static final int SESSION_CANDIDATES = 50;
    /** Share of a session's second best candidate's score that counts toward the session's score. */
    static final double SESSION_SECOND = 0.5;
    /** Signal name of the score a turn gains from a fact read from it that the question found. */
    public static final String FACT = "fact";
    /** Facts fetched per signal for the facts-as-keys step. */
    static final int FACT_TOP_N = 20;
    /** Signal name of the raise a candidate gets for being among the newest of the strongest. */
    public static final String RECENCY = "recency";
    private static final Pattern WHEN_QUESTION = Pattern.compile(
            "\\bwhen\\b|\\bwhat (date|day|year|month|time)\\b|\\bhow long ago\\b|\\bwhich (year|month|day)\\b",
            Pattern.CASE_INSENSITIVE);

    /** How many of the strongest BM25 matches say whose names a question holds ({@link RecallConfig#namelessDense()}). */
    static final int NAME_HITS = 20;

    private static final Pattern PRESENT_QUESTION = Pattern.compile(
            "\\b(now|currently|current|these days|nowadays|at the moment|at present|right now|still|anymore|any more"
                    + "|latest|most recent|most recently|newest|so far)\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * A question put to the agent about what it said ("what did you suggest for my trip") names
     * the agent's own turns (role "assistant"), as a speaker's name names that speaker's.
     */
    private static final Pattern SECOND_PERSON = Pattern.compile("\\b(you|your|yours|yourself)\\b",
            Pattern.CASE_INSENSITIVE);
    /**
     * Otherwise a question in the first person ("what did I say about my car") is the user asking
     * about themselves: it names the user's own turns (role "user").
     */
    private static final Pattern FIRST_PERSON = Pattern.compile("\\bI\\b|(?i)\\b(me|my|mine|myself)\\b");
    private final Embedder embedder;
    private final MemoryStore store;
    private final Clock clock;
    private final Retention retention;

    public RecallPipeline(Embedder embedder, MemoryStore store, Clock clock) {
        this(embedder, store, clock, ForgettingConfig.defaults().retention());
    }

    /** @param retention the curve the retention step ranks by */
    public RecallPipeline(Embedder embedder, MemoryStore store, Clock clock, Retention retention) {
        this.embedder = embedder;
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    public RecallResult recall(Scope scope, RecallQuery query, RecallConfig config) {
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        long start = System.nanoTime();
        Set<Kind> kinds = query.kinds().isEmpty() ? DEFAULT_KINDS : query.kinds();
        Instant now = clock.instant();
        Instant asOf = query.asOf() != null ? query.asOf() : now;
        // Valid time (heldAt) looks at the conversations' own times, whenever Loci recorded them;
        // record time (asOf, now by default) at what Loci knew then.
        Instant held = query.heldAt();
        var filter = held != null ? new SearchFilter(scope, kinds, query.timeRange(), query.metadata(), null, held)
                : new SearchFilter(scope, kinds, query.timeRange(), query.metadata(), asOf);
        Instant asked = query.at() != null ? query.at() : held != null ? held : asOf;
        var loaded = new Loaded(scope.tenant());

        Map<String, Candidate> candidates = new HashMap<>();
        int order = 0;
        Embedding vector;
        SearchHits hits;
        if (config.denseTopN() > 0 && config.namelessDense()) {
            // BM25 first: its strongest matches say whose names the question holds, which the vector half leaves out
            List<StoreHit> lexical = search(filter, query.text(), null, Math.max(config.lexicalTopN(), NAME_HITS), 0)
                    .lexical();
            String nameless = withoutSpeakers(query.text(), lexical, loaded);
            vector = embedder.embedQuery(query.text());
            if (!nameless.equals(query.text())) {
                vector = halfway(vector, embedder.embedQuery(nameless));
            }
            hits = new SearchHits(lexical.subList(0, Math.min(config.lexicalTopN(), lexical.size())),
                    search(filter, query.text(), vector, 0, config.denseTopN()).dense());
        } else {
            vector = config.denseTopN() > 0 ? embedder.embedQuery(query.text()) : null;
            hits = search(filter, query.text(), vector, config.lexicalTopN(), config.denseTopN());
        }
        if (config.lexicalFullAt() > 0 && config.lexicalTopN() > 0 && config.lexicalWeight() > 0) {
            // every later search of this recall (routing, period) ranges over no more memories than this one
            config = config.toBuilder().lexicalWeight(config.lexicalWeight()
                    * lexicalShare(inReach(filter, hits, config), config.lexicalFullAt())).build();
        }
        List<ReciprocalRankFusion.Fused> first = fuse(hits, config, Integer.MAX_VALUE);
        if (config.feedbackWeight() > 0 && vector != null && !first.isEmpty()) {
            List<StoreHit> again = feedbackSearch(filter, query.text(), vector, first, config, scope.tenant());
            if (!again.isEmpty()) {
                first = fuse(hits, again, config, Integer.MAX_VALUE);
            }
        }
        for (var f : first) {
            candidates.put(f.id(), new Candidate(f.id(), f.score(), new ArrayList<>(f.signals()), order++));
        }
        boolean turns = kinds.contains(Kind.TURN);
        if (turns && config.factWeight() > 0) {
            factsAsKeys(filter, query, vector, hits, config, candidates, loaded);
        }
        if (config.sessionWeight() > 0) {
            sessionsFirst(config.sessionWeight(), candidates, loaded);
        }
        if (turns && config.routingWeight() > 0 && config.episodeTopN() > 0) {
            route(filter, query, vector, config, candidates, loaded);
        }
        if (turns && config.contiguityWeight() > 0) {
            contiguity(config.contiguityWeight(), candidates, loaded);
        }
        if (config.periodWeight() > 0) {
            List<TimeRange> periods = DateKeys.periods(query.text(), asked);
            if (!periods.isEmpty()) {
                inPeriods(periods, filter, query.text(), vector, config, candidates);
            }
        }
        if (config.temporalWeight() > 0 && asksWhen(query.text())) {
            preferTimed(config.temporalWeight(), config.temporalCandidates(), candidates, loaded);
        }
        if (config.speakerWeight() > 0) {
            preferNamedSpeakers(config.speakerWeight(), query.text(), query.k(), candidates, loaded);
        }
        double recency = asksAboutNow(query.text()) ? Math.max(config.recencyWeight(), config.presentWeight())
                : config.recencyWeight();
        if (recency > 0) {
            preferRecent(recency, candidates, loaded);
        }

        if (config.retentionWeight() > 0) {
            preferRetained(config.retentionWeight(), asOf, candidates, loaded);
        }
        if (turns && config.supersededFactor() < 1) {
            demoteSuperseded(config.supersededFactor(),
                    held != null ? newer -> !newer.occurredAt().isAfter(held) : newer -> newer.visibleAt(asOf),
                    query.k(), candidates, loaded);
        }
        if (turns && config.sameMatterCosine() > 0 && !asksAboutPast(query.text(), asked)) {
            newerFirst(config.sameMatterCosine(), scope.tenant(), candidates, loaded);
        }
        if (held != null) {
            // An updated memory's earlier versions held until the update was made: in valid time
            // the current version, corrected, stands for the memory over its whole life.
            candidates.keySet().removeIf(MemoryIds::isVersion);
        }
        List<Candidate> ranked = ranked(candidates);
        if (config.sessionSpread() > 0) {
            ranked = spreadOverSessions(ranked, config.sessionSpread(), query.k(), loaded);
        }
        if (config.diversity() > 0) {
            ranked = diversify(ranked, config.diversity(), query.k(), loaded);
        }
        List<Recalled> results = new ArrayList<>(query.k());
        for (Candidate c : ranked) {
            if (results.size() == query.k()) {
                break;
            }
            Optional<Memory> m = loaded.get(c.id);
            if (m.isPresent() && filter.matches(m.get())) {
                results.add(new Recalled(m.get(), c.score, c.signals));
            }
        }
        return new RecallResult(results, System.nanoTime() - start);
    }

    /**
     * Vector pseudo-relevance feedback (Rocchio): the question's vector moved toward the
     * {@link #FEEDBACK_HITS} strongest first-round candidates, {@code normalise(q + FEEDBACK_BETA x mean)},
     * searched again by kNN under the same filter. Turns that share little wording with the question
     * but resemble what it found (another session's part of the answer) come into reach. Their vectors
     * are stored, so no text is embedded again; empty when none of them has a vector.
     */
    private List<StoreHit> feedbackSearch(SearchFilter filter, String text, Embedding vector, List<ReciprocalRankFusion.Fused> first,
                                          RecallConfig config, String tenant) {
        List<String> top = first.stream().limit(FEEDBACK_HITS).map(ReciprocalRankFusion.Fused::id).toList();
        Map<String, Embedding> vectors = store.vectors(tenant, top);
        Embedding moved = feedbackVector(vector, top.stream().map(vectors::get).filter(v -> v != null).toList());
        if (moved == null) {
            return List.of();
        }
        return search(filter, text, moved, 0, config.denseTopN()).dense();
    }

    /**
     * {@code normalise(q + FEEDBACK_BETA x mean(hits))}, or null when there are no hits (or the sum
     * vanishes) or a hit's dimensions differ from the question's.
     */
    static Embedding feedbackVector(Embedding question, List<Embedding> hits) {
        if (hits.isEmpty()) {
            return null;
        }
        float[] q = question.toArray();
        double[] sum = new double[q.length];
        for (Embedding h : hits) {
            if (h.dimensions() != q.length) {
                return null;
            }
            for (int i = 0; i < q.length; i++) {
                sum[i] += h.get(i);
            }
        }
        float[] moved = new float[q.length];
        double norm = 0;
        for (int i = 0; i < q.length; i++) {
            moved[i] = (float) (q[i] + FEEDBACK_BETA * sum[i] / hits.size());
            norm += (double) moved[i] * moved[i];
        }
        return norm > 0 ? Embedding.normalized(moved) : null;
    }

    /**
     * Facts as linked keys: the facts read from turns are searched with the question (BM25 and kNN,
     * {@link #FACT_TOP_N} each), each fact is scored as if it had been in the turns' lists (its BM25 over
     * the turns' top BM25 score, its cosine on the turns' dense scale, each at most 1, weighted as in
     * fusion), and the turn it was read from scores at least {@code factWeight x} that: a fact is one
     * more key of its turn. A fact says one thing in few words ("Ben lives in Denver") where its turn
     * says it among others, so the question may find the fact where it would not find the turn; scored
     * on the turns' scale, a weak fact match lifts nothing past a strong turn match. With rank fusion
     * the fact's own fused score stands in. A turn takes its best fact only, and enters the ranking if
     * it was not a candidate.
     */
    private void factsAsKeys(SearchFilter filter, RecallQuery query, Embedding vector, SearchHits turnHits,
                             RecallConfig config, Map<String, Candidate> candidates, Loaded loaded) {
        var facts = new SearchFilter(filter.scope(), EnumSet.of(Kind.FACT), filter.timeRange(), filter.metadata(),
                filter.visibleAt(), filter.heldAt());
        SearchHits hits = search(facts, query.text(), vector, config.lexicalTopN() > 0 ? FACT_TOP_N : 0,
                config.denseTopN() > 0 ? FACT_TOP_N : 0);
        Map<String, Double> scores = config.fusion() == RecallConfig.Fusion.SCORES
                ? factScores(hits, turnHits, config) : rankFused(hits, config);
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(scores.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry::getKey));
        int rank = 0;
        int order = 1_000_000 + candidates.size();
        for (var f : ranked.subList(0, Math.min(FACT_TOP_N, ranked.size()))) {
            rank++;
            Optional<Memory> fact = loaded.get(f.getKey());
            if (fact.isEmpty() || fact.get().kind() != Kind.FACT) {
                continue;
            }
            double key = config.factWeight() * f.getValue();
            for (String source : fact.get().sourceIds()) {
                Candidate c = candidates.get(source);
                if (c == null) {
                    if (loaded.get(source).filter(m -> m.kind() == Kind.TURN).isEmpty()) {
                        continue;
                    }
                    int position = order++;
                    c = new Candidate(source, 0, new ArrayList<>(), position);
                    candidates.put(source, c);
                }
                double raise = key - c.score;
                if (raise > 0 && !c.has(FACT)) {
                    c.score += raise;
                    c.signals.add(new Signal(FACT, rank, f.getValue(), raise));
                }
            }
        }
    }

    /**
     * Each fact's score on the turns' scale: BM25 over the turns' top BM25 score, the cosine as the
     * dense list of turns normalises it (a fixed span below the turns' best, or min-max over the turns'
     * range), each clamped to 0..1 and weighted as in fusion.
     */
    static Map<String, Double> factScores(SearchHits facts, SearchHits turns, RecallConfig config) {
        Map<String, Double> out = new HashMap<>();
        double lexTop = turns.lexical().stream().mapToDouble(StoreHit::score).max().orElse(0);
        for (StoreHit h : facts.lexical()) {
            double n = lexTop > 0 ? Math.min(1, Math.max(0, h.score()) / lexTop) : 0;
            out.merge(h.id(), config.lexicalWeight() * n, Double::sum);
        }
        if (!turns.dense().isEmpty()) {
            double top = turns.dense().stream().mapToDouble(StoreHit::score).max().orElseThrow();
            double worst = turns.dense().stream().mapToDouble(StoreHit::score).min().orElseThrow();
            for (StoreHit h : facts.dense()) {
                double n = config.denseSpan() > 0 ? 1 - (top - h.score()) / config.denseSpan()
                        : top > worst ? (h.score() - worst) / (top - worst) : 1;
                out.merge(h.id(), config.denseWeight() * Math.min(1, Math.max(0, n)), Double::sum);
            }
        }
        return out;
    }

    private static Map<String, Double> rankFused(SearchHits hits, RecallConfig config) {
        Map<String, Double> out = new HashMap<>();
        for (var f : fuse(hits, config, Integer.MAX_VALUE)) {
            out.put(f.id(), f.score());
        }
        return out;
    }

    /**
     * Sessions first: among the {@link #SESSION_CANDIDATES} strongest candidates, each session scores
     * its best candidate's score plus {@link #SESSION_SECOND} of its second best's, and each of those
     * candidates rises by {@code weight x} its session's score (a candidate without a session is a
     * session of its own). A lone turn gains {@code weight x} its own score, so lone turns keep their
     * order; a session where two or more turns match gains more, so two modest turns of a session
     * that answers pass a lone strong turn elsewhere. Bounded: a session scores at most 1.5 times the
     * strongest candidate, and only candidates rise, none enters.
     */
    private static void sessionsFirst(double weight, Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        List<Candidate> window = ranked.subList(0, Math.min(SESSION_CANDIDATES, ranked.size()));
        loaded.load(window.stream().map(c -> c.id).toList());
        List<String> sessions = new ArrayList<>(window.size());
        for (Candidate c : window) {
            sessions.add(loaded.get(c.id).map(m -> m.scope().sessionId()).orElse(null));
        }
        Map<String, Double> sessionScores = sessionScores(window.stream().map(c -> c.score).toList(), sessions);
        int rank = 0;
        for (int i = 0; i < window.size(); i++) {
            rank++;
            Candidate c = window.get(i);
            String session = sessions.get(i);
            double sessionScore = session == null ? c.score : sessionScores.get(session);
            double raise = weight * sessionScore;
            if (raise > 0) {
                c.score += raise;
                c.signals.add(new Signal(SESSION, rank, sessionScore, raise));
            }
        }
    }

    /**
     * Each session's score from its candidates' scores (given strongest first, with their sessions,
     * null for none): the best plus {@link #SESSION_SECOND} of the second best.
     */
    static Map<String, Double> sessionScores(List<Double> scores, List<String> sessions) {
        Map<String, double[]> best = new HashMap<>(); // best, second best
        for (int i = 0; i < scores.size(); i++) {
            String session = sessions.get(i);
            if (session == null) {
                continue;
            }
            double s = scores.get(i);
            double[] b = best.computeIfAbsent(session, x -> new double[] {Double.NEGATIVE_INFINITY, 0});
            if (s > b[0]) {
                b[1] = b[0] == Double.NEGATIVE_INFINITY ? 0 : b[0];
                b[0] = s;
            } else if (s > b[1]) {
                b[1] = s;
            }
        }
        Map<String, Double> out = new HashMap<>();
        best.forEach((session, b) -> out.put(session, b[0] + SESSION_SECOND * Math.max(0, b[1])));
        return out;
    }

    /**
     * Adds each top episode's weighted fused score to those of its turns that are candidates; a
     * session or topic (searched only when the query names its kind) passes its score to the turns
     * of its episodes. A turn takes the score of the best-ranked node above it only.
     */
    private void route(SearchFilter filter, RecallQuery query, Embedding vector, RecallConfig config,
                       Map<String, Candidate> candidates, Loaded loaded) {
        Set<Kind> from = EnumSet.of(Kind.EPISODE);
        query.kinds().stream().filter(LEVEL_TWO::contains).forEach(from::add);
        var nodes = new SearchFilter(filter.scope(), from, null, query.metadata(), filter.visibleAt(), filter.heldAt());
        int n = config.episodeTopN();
        var fused = fuse(search(nodes, query.text(), vector, config.lexicalTopN() > 0 ? n : 0,
                config.denseTopN() > 0 ? n : 0), config, n);
        int rank = 0;
        for (var node : fused) {
            rank++;
            Optional<Memory> e = loaded.get(node.id());
            if (e.isEmpty()) {
                continue;
            }
            double bonus = config.routingWeight() * node.score();
            for (String child : turnsUnder(e.get(), loaded)) {
                Candidate c = candidates.get(child);
                if (c != null && !c.has(ROUTE)) {
                    c.score += bonus;
                    c.signals.add(new Signal(ROUTE, rank, node.score(), bonus));
                }
            }
        }
    }

    /** The turn ids under an episode, or under the episodes of a session or topic. */
    private static List<String> turnsUnder(Memory node, Loaded loaded) {
        if (node.kind() == Kind.EPISODE) {
            return node.childIds();
        }
        List<String> turns = new ArrayList<>();
        for (String episode : node.childIds()) {
            loaded.get(episode).filter(m -> m.kind() == Kind.EPISODE).ifPresent(m -> turns.addAll(m.childIds()));
        }
        return turns;
    }

    /**
     * The turns before and after each of the strongest candidates, in its episode, inherit a share
     * of its score: they score at least that much (the largest share offered). Inheriting does not
     * add to a score of their own, so a weak candidate next to a strong hit is not pushed past
     * stronger direct hits.
     */
    private static void contiguity(double weight, Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> sources = ranked(candidates);
        Map<String, Signal> inherited = new LinkedHashMap<>(); // first offered first: deterministic ties
        int rank = 0;
        for (Candidate source : sources.subList(0, Math.min(CONTIGUITY_SOURCES, sources.size()))) {
            rank++;
            Optional<Memory> m = loaded.get(source.id);
            if (m.isEmpty() || m.get().kind() != Kind.TURN || m.get().parentId() == null) {
                continue;
            }
            Optional<Memory> episode = loaded.get(m.get().parentId());
            if (episode.isEmpty()) {
                continue;
            }
            List<String> children = episode.get().childIds();
            int at = children.indexOf(source.id);
            for (int neighbour : new int[] {at - 1, at + 1}) {
                if (at < 0 || neighbour < 0 || neighbour >= children.size()) {
                    continue;
                }
                var offer = new Signal(CONTEXT, rank, source.score, weight * source.score);
                inherited.merge(children.get(neighbour), offer,
                        (a, b) -> a.contribution() >= b.contribution() ? a : b);
            }
        }
        int order = 2_000_000;
        for (var e : inherited.entrySet()) {
            int position = order++;
            Candidate c = candidates.computeIfAbsent(e.getKey(), id -> new Candidate(id, 0, new ArrayList<>(), position));
            double raise = e.getValue().contribution() - c.score;
            if (raise > 0) {
                c.score += raise;
                c.signals.add(new Signal(CONTEXT, e.getValue().rank(), e.getValue().score(), raise));
            }
        }
    }

    /**
     * The question names a time ("last weekend", "in May 2023"): the candidates that happened in
     * that span, widened by {@link #periodSlack} on each side, rise by {@code periodWeight x} their
     * own score. The raise is a share of each memory's relevance to the whole question, never a
     * score of its own: a search restricted to a few days would call its best match a perfect one
     * however weak, and lift it above the answer. The slack is there because a time is often
     * spoken of around it rather than in it ("I went hiking on Saturday", said on Monday): the
     * record carries the day it was said, not the day it speaks of.
     */
    private void inPeriods(List<TimeRange> periods, SearchFilter filter, String text, Embedding vector,
                           RecallConfig config, Map<String, Candidate> candidates) {
        Instant from = periods.stream().map(p -> p.from().minus(periodSlack(p))).min(Comparator.naturalOrder())
                .orElseThrow();
        Instant to = periods.stream().map(p -> p.to().plus(periodSlack(p))).max(Comparator.naturalOrder())
                .orElseThrow();
        TimeRange span = filter.timeRange() == null ? new TimeRange(from, to) : intersect(filter.timeRange(), from, to);
        if (span == null) {
            return;
        }
        var within = new SearchFilter(filter.scope(), filter.kinds(), span, filter.metadata(), filter.visibleAt(),
                filter.heldAt());
        int rank = 0;
        for (var f : fuse(search(within, text, vector, config.lexicalTopN(), config.denseTopN()), config,
                Integer.MAX_VALUE)) {
            rank++;
            Candidate c = candidates.get(f.id());
            if (c == null || c.score <= 0) {
                continue; // in the period, but in neither list of the whole search: not what the question asks about
            }
            double raise = config.periodWeight() * c.score;
            c.score += raise;
            c.signals.add(new Signal(PERIOD, rank, f.score(), raise));
        }
    }

    /**
     * How far around a named period its memories are still looked for: as long as the period
     * itself, at least two days and at most a week.
     */
    static Duration periodSlack(TimeRange period) {
        Duration length = Duration.between(period.from(), period.to());
        Duration least = Duration.ofDays(2);
        Duration most = Duration.ofDays(7);
        return length.compareTo(least) < 0 ? least : length.compareTo(most) > 0 ? most : length;
    }

    private static TimeRange intersect(TimeRange range, Instant from, Instant to) {
        Instant a = range.from() == null || range.from().isBefore(from) ? from : range.from();
        Instant b = range.to() == null || range.to().isAfter(to) ? to : range.to();
        return a.isBefore(b) ? new TimeRange(a, b) : null;
    }

    /** Raises the {@code window} strongest candidates whose text names a time. */
    private static void preferTimed(double weight, int window, Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        int rank = 0;
        for (Candidate c : ranked.subList(0, Math.min(window, ranked.size()))) {
            rank++;
            Optional<Memory> m = loaded.get(c.id);
            if (m.isPresent() && DateKeys.mentionsTime(m.get().text())) {
                double raise = weight * c.score;
                c.score += raise;
                c.signals.add(new Signal(TEMPORAL, rank, 1.0, raise));
            }
        }
    }

    /**
     * Lowers the k strongest turns that a later statement contradicts (a fact read from them was
     * closed by one read from a later turn, {@code Lifecycle.supersededBy}) to
     * {@code factor} of their score ({@code RecallConfig.supersededFactor}), when that later turn is {@code known}
     * at the moment asked about (recorded by then, or in valid time said by then):
     * "I live in Boston" gives way to "I moved to Denver" but stays in reach.
     */
    private static void demoteSuperseded(double factor, Predicate<Memory> known, int k,
                                         Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        int rank = 0;
        // The k strongest only: the final step loads those anyway, so this costs no extra reads.
        for (Candidate c : ranked.subList(0, Math.min(k, ranked.size()))) {
            rank++;
            Optional<Memory> m = loaded.get(c.id);
            String by = m.filter(x -> x.kind() == Kind.TURN).map(x -> x.lifecycle().supersededBy()).orElse(null);
            if (by != null && loaded.get(by).filter(known).isPresent()) {
                double change = -(1 - factor) * c.score;
                c.score += change;
                c.signals.add(new Signal(SUPERSEDED, rank, factor, change));
            }
        }
    }

    /**
     * How many memories the search could rank: the dense list holds every one of them when it is
     * shorter than asked for (kNN returns all it can see; BM25 only those sharing a word, so its list
     * can only be shorter, unless some memory has no vector); otherwise the store counts them.
     */
    private long inReach(SearchFilter filter, SearchHits hits, RecallConfig config) {
        if (config.denseTopN() > 0 && hits.dense().size() < config.denseTopN()) {
            return Math.max(hits.dense().size(), hits.lexical().size());
        }
        if (config.denseTopN() >= config.lexicalFullAt()) {
            return config.denseTopN(); // at least that many: full weight whatever the count
        }
        return store.count(filter);
    }

    /**
     * BM25's share of its weight with {@code n} memories in reach: {@code ln(1 + n) / ln(1 + fullAt)}, at most 1.
     * What BM25 knows of a word, how rare it is, grows with the log of how many documents it has seen,
     * so the share does too: about 0.45 for a dozen turns, 0.8 for a hundred, 1 from {@code fullAt} on.
     */
    static double lexicalShare(long n, int fullAt) {
        if (n >= fullAt) {
            return 1;
        }
        return Math.log1p(Math.max(0, n)) / Math.log1p(fullAt);
    }

    /**
     * The newer of two statements on the same matter comes first. Among the {@link #NEWER_CANDIDATES}
     * strongest candidates, when an older and a newer turn of the same speaker (by name, else by role),
     * said on different days, have vectors at least {@code threshold} close, the newer rises to just above
     * the older: an update ("I moved to Denver") rarely shares the words of what it replaces ("I live in
     * Boston") or of the question, so it often ranks below it, while the two are plainly about one thing.
     * The newer turn must also say that something changed ({@link #CHANGE}: "moved", "now", "new", "quit",
     * "instead", ...): a close vector alone does not tell an update from the same subject spoken of again.
     * Nothing is lowered, and a newer turn only ever passes older ones it is that close to. Chains resolve
     * in time order: of three such statements the newest ends on top.
     */
    private void newerFirst(double threshold, String tenant, Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        List<Candidate> window = new ArrayList<>(ranked.subList(0, Math.min(NEWER_CANDIDATES, ranked.size())));
        List<Memory> memories = new ArrayList<>(window.size());
        List<Candidate> turns = new ArrayList<>(window.size());
        for (Candidate c : window) {
            Memory m = loaded.get(c.id).orElse(null);
            if (m != null && m.kind() == Kind.TURN && who(m) != null) {
                memories.add(m);
                turns.add(c);
            }
        }
        if (turns.size() < 2) {
            return;
        }
        Map<String, Embedding> vectors = store.vectors(tenant, turns.stream().map(c -> c.id).toList());
        List<Integer> byTime = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            byTime.add(i);
        }
        byTime.sort(Comparator.comparing((Integer i) -> memories.get(i).occurredAt()));
        for (int newer : byTime) {
            Memory n = memories.get(newer);
            Embedding nv = vectors.get(n.id());
            if (nv == null || !CHANGE.matcher(n.text()).find()) {
                continue;
            }
            Candidate lifted = turns.get(newer);
            Candidate passed = null;
            double cosine = 0;
            for (int older : byTime) {
                Memory o = memories.get(older);
                if (!(day(o) < day(n)) || !who(o).equals(who(n))) {
                    continue;
                }
                Embedding ov = vectors.get(o.id());
                double similarity = ov == null ? 0 : nv.dot(ov);
                Candidate oc = turns.get(older);
                if (similarity >= threshold && oc.score >= lifted.score && (passed == null || oc.score > passed.score)) {
                    passed = oc;
                    cosine = similarity;
                }
            }
            if (passed != null) {
                // just above: the smallest step that orders them, whatever the scale of the scores
                double raise = passed.score - lifted.score + Math.max(Math.ulp(passed.score) * 16, 1e-9);
                lifted.score += raise;
                lifted.signals.add(new Signal(NEWER, window.indexOf(passed) + 1, cosine, raise));
            }
        }
    }

    /** Whose statement a turn is, for telling restatements apart: its speaker, else its role (lower case). */
    private static String who(Memory m) {
        if (m.speaker() != null && !m.speaker().isBlank()) {
            return "speaker:" + m.speaker().strip().toLowerCase(Locale.ROOT);
        }
        return m.role() == null || m.role().isBlank() ? null : "role:" + m.role().strip().toLowerCase(Locale.ROOT);
    }

    private static long day(Memory m) {
        return Math.floorDiv(m.occurredAt().getEpochSecond(), 86_400L);
    }

    /**
     * Whether the question asks about the past rather than how things stand: it names a period before
     * the day it is asked ({@code at}) and ending by then, asks when something happened, or is worded in the past
     * ("used to", "before", "previously", "did", "was", ...). A newer statement then does not answer
     * it better than the older one.
     */
    static boolean asksAboutPast(String question, Instant at) {
        if (PAST_QUESTION.matcher(question).find() || asksWhen(question)) {
            return true;
        }
        Instant today = at.truncatedTo(ChronoUnit.DAYS);
        return DateKeys.periods(question, at).stream().anyMatch(p -> p.to() != null && !p.to().isAfter(today));
    }

    /**
     * Raises the candidates whose speaker the question names by {@code weight x} their score, and those
     * of the role it names by person ("my", "you") by half that: a name says whose turn is meant, while a
     * question put to the agent may well ask about what the user said. Only candidates that could reach
     * the top k that way are looked at (each is loaded): the walk down the ranking stops where even a
     * raised score stays below the k-th.
     */
    private static void preferNamedSpeakers(double weight, String question, int k, Map<String, Candidate> candidates,
                                            Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        if (ranked.isEmpty()) {
            return;
        }
        double kth = ranked.get(Math.min(k, ranked.size()) - 1).score;
        Map<String, Boolean> named = new HashMap<>();
        String askedRole = namedRole(question);
        int rank = 0;
        for (Candidate c : ranked) {
            rank++;
            if (c.score * (1 + weight) < kth) {
                break;
            }
            Memory m = loaded.get(c.id).orElse(null);
            String speaker = m == null ? null : m.speaker();
            boolean byName = speaker != null && named.computeIfAbsent(speaker, s -> names(question, s));
            boolean byRole = askedRole != null && m != null && askedRole.equalsIgnoreCase(m.role());
            if (byName || byRole) {
                double raise = (byName ? weight : weight / 2) * c.score;
                c.score += raise;
                c.signals.add(new Signal(SPEAKER, rank, 1.0, raise));
            }
        }
    }

    /**
     * The role whose turns a question names by person rather than by name: "assistant" for a
     * question about what the agent said (second person), else "user" for one in the first person,
     * else none.
     */
    static String namedRole(String question) {
        if (SECOND_PERSON.matcher(question).find()) {
            return "assistant";
        }
        return FIRST_PERSON.matcher(question).find() ? "user" : null;
    }

    /** Whether {@code text} names {@code speaker} as a whole word or words, ignoring case. */
    static boolean names(String text, String speaker) {
        String name = speaker.strip();
        if (name.length() < 2) {
            return false;
        }
        return namePattern(name, "").matcher(text).find();
    }

    private static Pattern namePattern(String name, String suffix) {
        return Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(name) + suffix + "(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /**
     * The question as its vector is embedded: the name of every speaker of its {@link #NAME_HITS} strongest BM25
     * matches that it names, put as "their" when possessive ("Anna's", "Anna’s") and "they" otherwise. The
     * speaker step weighs whose turn a candidate is; in the vector the name would make every turn of that
     * speaker close to the question (the turns are embedded as "Anna: ..."). A name counts only as written
     * with a capital, and a speaker named after its role ("user", "assistant") has no name to leave out: the
     * word is then the question's own ("the user interface").
     */
    String withoutSpeakers(String question, List<StoreHit> lexical, Loaded loaded) {
        String out = question;
        Set<String> seen = new HashSet<>();
        List<StoreHit> strongest = lexical.subList(0, Math.min(NAME_HITS, lexical.size()));
        loaded.load(strongest.stream().map(StoreHit::id).toList());
        for (StoreHit hit : strongest) {
            Memory m = loaded.get(hit.id()).orElse(null);
            String speaker = m == null || m.speaker() == null ? null : m.speaker().strip();
            if (speaker == null || speaker.length() < 2 || !seen.add(speaker) || speaker.equalsIgnoreCase(m.role())) {
                continue;
            }
            out = withoutName(out, speaker);
        }
        return out;
    }

    /**
     * The unit vector halfway between two unit vectors: the question as asked and without the names it
     * holds, so the name still says a little whose turn is meant (the answer, not another speaker's turn
     * repeating the question's words) without drawing every short turn of that speaker near.
     */
    static Embedding halfway(Embedding asked, Embedding nameless) {
        float[] a = asked.toArray();
        float[] b = nameless.toArray();
        if (a.length != b.length) {
            return nameless;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return Embedding.normalized(a);
    }

    /** {@code text} with {@code name}, where written with a capital, put as "their" (possessive) or "they". */
    static String withoutName(String text, String name) {
        String out = replaceCapitalised(namePattern(name, "(?:'s|\u2019s)"), text, "their");
        return replaceCapitalised(namePattern(name, ""), out, "they");
    }

    private static String replaceCapitalised(Pattern name, String text, String with) {
        return name.matcher(text).replaceAll(r -> Character.isUpperCase(r.group().charAt(0)) ? with
                : java.util.regex.Matcher.quoteReplacement(r.group()));
    }

    /**
     * Among the strongest candidates, raises the later ones: each gains {@code weight x} its score
     * {@code x} its place in time between the oldest and the newest of them (by the day it
     * happened), so of two about equally relevant statements the newer, which may have replaced
     * the older, comes first, while a much stronger old one keeps its place. Time counts in whole
     * days: turns of one conversation minutes apart do not replace each other, so when all the
     * strongest candidates fall on one day nothing changes.
     */
    private static void preferRecent(double weight, Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        List<Candidate> window = ranked.subList(0, Math.min(RECENCY_CANDIDATES, ranked.size()));
        long[] at = new long[window.size()];
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < window.size(); i++) {
            at[i] = loaded.get(window.get(i).id).map(m -> m.occurredAt() != null ? m.occurredAt() : m.recordedAt())
                    .map(t -> Math.floorDiv(t.getEpochSecond(), 86_400L)).orElse(Long.MIN_VALUE);
            if (at[i] != Long.MIN_VALUE) {
                oldest = Math.min(oldest, at[i]);
                newest = Math.max(newest, at[i]);
            }
        }
        if (newest <= oldest) {
            return;
        }
        for (int i = 0; i < window.size(); i++) {
            if (at[i] == Long.MIN_VALUE) {
                continue;
            }
            Candidate c = window.get(i);
            double place = (at[i] - oldest) / (double) (newest - oldest);
            double raise = weight * place * c.score;
            if (raise > 0) {
                c.score += raise;
                c.signals.add(new Signal(RECENCY, i + 1, place, raise));
            }
        }
    }

    /** Raises the strongest candidates by their retention at {@code at}: {@code weight x R x score}. */
    private void preferRetained(double weight, Instant at, Map<String, Candidate> candidates, Loaded loaded) {
        List<Candidate> ranked = ranked(candidates);
        int rank = 0;
        for (Candidate c : ranked.subList(0, Math.min(RETENTION_CANDIDATES, ranked.size()))) {
            rank++;
            Optional<Memory> m = loaded.get(c.id);
            if (m.isPresent()) {
                double r = retention.at(m.get(), at);
                double raise = weight * r * c.score;
                c.score += raise;
                c.signals.add(new Signal(RETENTION, rank, r, raise));
            }
        }
    }

    /**
     * Places the strongest candidates one by one, each next place to the best
     * {@code score x (1 - spread)^n}, n being how many of those placed share its session (no
     * session: its own). Scores are kept; only the order among the strongest changes, so a
     * second session's answer is not crowded out by a third and fourth near match from the first.
     */
    private static List<Candidate> spreadOverSessions(List<Candidate> ranked, double spread, int k, Loaded loaded) {
        int poolSize = Math.min(ranked.size(), Math.max(k, DIVERSITY_POOL));
        if (poolSize < 2) {
            return ranked;
        }
        List<Candidate> pool = new ArrayList<>(ranked.subList(0, poolSize));
        List<String> sessions = new ArrayList<>(poolSize);
        for (Candidate c : pool) {
            sessions.add(loaded.get(c.id).map(m -> m.scope().sessionId()).orElse(null));
        }
        Map<String, Integer> placedFrom = new HashMap<>();
        boolean[] taken = new boolean[poolSize];
        List<Candidate> placed = new ArrayList<>(ranked.size());
        for (int round = 0; round < poolSize; round++) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < poolSize; i++) {
                if (taken[i]) {
                    continue;
                }
                String session = sessions.get(i);
                int n = session == null ? 0 : placedFrom.getOrDefault(session, 0);
                double value = pool.get(i).score * Math.pow(1 - spread, n);
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            taken[best] = true;
            placed.add(pool.get(best));
            if (sessions.get(best) != null) {
                placedFrom.merge(sessions.get(best), 1, Integer::sum);
            }
        }
        placed.addAll(ranked.subList(poolSize, ranked.size()));
        return placed;
    }

    /**
     * Maximal marginal relevance over the strongest candidates: each next place goes to the one
     * with the best {@code (1 - strength) x relevance - strength x similarity to those already
     * placed}, relevance being the score over the top score and similarity the word overlap
     * (Jaccard) of the texts. The order of the rest is kept.
     */
    private static List<Candidate> diversify(List<Candidate> ranked, double strength, int k, Loaded loaded) {
        int poolSize = Math.min(ranked.size(), Math.max(k, DIVERSITY_POOL));
        if (poolSize < 2) {
            return ranked;
        }
        double top = ranked.get(0).score > 0 ? ranked.get(0).score : 1;
        List<Candidate> pool = new ArrayList<>(ranked.subList(0, poolSize));
        List<Set<String>> words = new ArrayList<>(poolSize);
        for (Candidate c : pool) {
            words.add(loaded.get(c.id).map(m -> words(m.text())).orElse(Set.of()));
        }
        double[] similar = new double[poolSize]; // to the most similar one placed so far
        boolean[] taken = new boolean[poolSize];
        List<Candidate> placed = new ArrayList<>(ranked.size());
        for (int round = 0; round < poolSize; round++) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < poolSize; i++) {
                double value = (1 - strength) * (pool.get(i).score / top) - strength * similar[i];
                if (!taken[i] && value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            taken[best] = true;
            placed.add(pool.get(best));
            for (int i = 0; i < poolSize; i++) {
                if (!taken[i]) {
                    similar[i] = Math.max(similar[i], jaccard(words.get(i), words.get(best)));
                }
            }
        }
        placed.addAll(ranked.subList(poolSize, ranked.size()));
        return placed;
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() > 2) {
                out.add(w);
            }
        }
        return out;
    }

    private static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        int common = 0;
        for (String w : a) {
            if (b.contains(w)) {
                common++;
            }
        }
        return common / (double) (a.size() + b.size() - common);
    }

    /** Whether the question asks how things stand now ("where does she work now", "my current car"). */
    static boolean asksAboutNow(String question) {
        return PRESENT_QUESTION.matcher(question).find();
    }

    static boolean asksWhen(String question) {
        return WHEN_QUESTION.matcher(question).find();
    }

    private static List<Candidate> ranked(Map<String, Candidate> candidates) {
        List<Candidate> ranked = new ArrayList<>(candidates.values());
        ranked.sort(Comparator.comparingDouble((Candidate c) -> -c.score).thenComparingInt(c -> c.order)
                .thenComparing(c -> c.id));
        return ranked;
    }

    private SearchHits search(SearchFilter filter, String text, Embedding vector, int lexicalTopN, int denseTopN) {
        return store.search(new SearchRequest(filter, text, denseTopN > 0 ? vector : null, lexicalTopN, denseTopN));
    }

    private static List<ReciprocalRankFusion.Fused> fuse(SearchHits hits, RecallConfig config, int limit) {
        return fuse(hits, List.of(), config, limit);
    }

    /**
     * Fuses the BM25 and dense lists, and the pseudo-relevance feedback list when there is one (a
     * dense list, normalised as the dense one is, at {@code feedbackWeight x} the dense weight).
     */
    private static List<ReciprocalRankFusion.Fused> fuse(SearchHits hits, List<StoreHit> feedback, RecallConfig config,
                                                         int limit) {
        double feedbackWeight = config.feedbackWeight() * config.denseWeight();
        if (config.fusion() == RecallConfig.Fusion.SCORES) {
            var scored = new ArrayList<ScoreFusion.ScoredList>(2);
            if (config.lexicalTopN() > 0) {
                scored.add(new ScoreFusion.ScoredList(Signal.BM25, config.lexicalWeight(), ScoreFusion.Normalisation.TOP,
                        hits.lexical()));
            }
            if (config.denseTopN() > 0) {
                scored.add(config.denseSpan() > 0
                        ? new ScoreFusion.ScoredList(Signal.DENSE, config.denseWeight(), ScoreFusion.Normalisation.SPAN,
                                config.denseSpan(), hits.dense())
                        : new ScoreFusion.ScoredList(Signal.DENSE, config.denseWeight(),
                                ScoreFusion.Normalisation.MIN_MAX, hits.dense()));
                if (!feedback.isEmpty()) {
                    scored.add(config.denseSpan() > 0
                            ? new ScoreFusion.ScoredList(FEEDBACK, feedbackWeight, ScoreFusion.Normalisation.SPAN,
                                    config.denseSpan(), feedback)
                            : new ScoreFusion.ScoredList(FEEDBACK, feedbackWeight, ScoreFusion.Normalisation.MIN_MAX,
                                    feedback));
                }
            }
            return ScoreFusion.fuse(scored, limit);
        }
        var lists = new ArrayList<ReciprocalRankFusion.RankedList>(2);
        if (config.lexicalTopN() > 0) {
            lists.add(new ReciprocalRankFusion.RankedList(Signal.BM25, config.lexicalWeight(), hits.lexical()));
        }
        if (config.denseTopN() > 0) {
            lists.add(new ReciprocalRankFusion.RankedList(Signal.DENSE, config.denseWeight(), hits.dense()));
            if (!feedback.isEmpty()) {
                lists.add(new ReciprocalRankFusion.RankedList(FEEDBACK, feedbackWeight, feedback));
            }
        }
        return ReciprocalRankFusion.fuse(config.rrfK(), lists, limit);
    }

    /** Memories loaded during one recall, each at most once. */
    private final class Loaded {
        private final String tenant;
        private final Map<String, Optional<Memory>> byId = new HashMap<>();

        Loaded(String tenant) {
            this.tenant = tenant;
        }

        Optional<Memory> get(String id) {
            return byId.computeIfAbsent(id, key -> store.get(tenant, key));
        }

        /** Reads those of these ids not read yet in one call, so a store that can batch reads does. */
        void load(List<String> ids) {
            List<String> missing = ids.stream().filter(id -> !byId.containsKey(id)).distinct().toList();
            if (missing.size() < 2) {
                return; // one id is read by get as well
            }
            Map<String, Memory> found = store.getAll(tenant, missing);
            for (String id : missing) {
                byId.put(id, Optional.ofNullable(found.get(id)));
            }
        }
    }

    /** A result being scored: fused score so far, its signals, and its first-seen order for ties. */
    private static final class Candidate {
        final String id;
        final List<Signal> signals;
        final int order;
        double score;

        Candidate(String id, double score, List<Signal> signals, int order) {
            this.id = id;
            this.score = score;
            this.signals = signals;
            this.order = order;
        }

        boolean has(String signal) {
            return signals.stream().anyMatch(s -> s.name().equals(signal));
        }
    }
}
