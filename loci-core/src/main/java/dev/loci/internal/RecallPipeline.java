package dev.loci.internal;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.LociConfig.RecallConfig;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.Signal;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recall, top to bottom:
 * <ol>
 *   <li>embed the query;</li>
 *   <li>fetch BM25 and kNN candidate ids of the wanted kinds under the scope and filters, and fuse
 *       them with weighted reciprocal rank fusion;</li>
 *   <li>hierarchy routing: fetch and fuse the best episodes the same way; each of their turns gains
 *       {@code routingWeight x} the episode's fused score, so a strong episode hit routes down to its
 *       turns and neighbours of a hit inherit part of its context;</li>
 *   <li>load the top k, check them against the filter, and return them with every signal's view.</li>
 * </ol>
 * Unless the query names kinds, grouping levels (EPISODE, SESSION) are not returned themselves:
 * they are reached through routing. Thread-safe.
 */
public final class RecallPipeline {
    /** Kinds returned when a query names none: everything but the grouping levels. */
    static final Set<Kind> DEFAULT_KINDS = EnumSet.complementOf(EnumSet.of(Kind.EPISODE, Kind.SESSION));
    /** Signal name of the routed episode score. */
    public static final String ROUTE = "route";

    private final Embedder embedder;
    private final MemoryStore store;

    public RecallPipeline(Embedder embedder, MemoryStore store) {
        this.embedder = embedder;
        this.store = store;
    }

    public RecallResult recall(Scope scope, RecallQuery query, RecallConfig config) {
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        long start = System.nanoTime();
        Embedding vector = config.denseTopN() > 0 ? embedder.embedQuery(query.text()) : null;
        Set<Kind> kinds = query.kinds().isEmpty() ? DEFAULT_KINDS : query.kinds();
        var filter = new SearchFilter(scope, kinds, query.timeRange(), query.metadata());

        Map<String, Candidate> candidates = new HashMap<>();
        int order = 0;
        for (var f : fuse(search(filter, query.text(), vector, config.lexicalTopN(), config.denseTopN()), config,
                Integer.MAX_VALUE)) {
            candidates.put(f.id(), new Candidate(f.id(), f.score(), new ArrayList<>(f.signals()), order++));
        }
        if (config.routingWeight() > 0 && config.episodeTopN() > 0 && kinds.contains(Kind.TURN)) {
            route(scope, query, vector, config, candidates);
        }

        List<Candidate> ranked = new ArrayList<>(candidates.values());
        ranked.sort(Comparator.comparingDouble((Candidate c) -> -c.score).thenComparingInt(c -> c.order)
                .thenComparing(c -> c.id));
        List<Recalled> results = new ArrayList<>(query.k());
        for (Candidate c : ranked) {
            if (results.size() == query.k()) {
                break;
            }
            Optional<Memory> m = store.get(scope.tenant(), c.id);
            if (m.isPresent() && filter.matches(m.get())) {
                results.add(new Recalled(m.get(), c.score, c.signals));
            }
        }
        return new RecallResult(results, System.nanoTime() - start);
    }

    /** Adds each top episode's weighted fused score to its turns, bringing them in as candidates. */
    private void route(Scope scope, RecallQuery query, Embedding vector, RecallConfig config,
                       Map<String, Candidate> candidates) {
        var episodes = new SearchFilter(scope, Set.of(Kind.EPISODE), null, query.metadata());
        int n = config.episodeTopN();
        var fused = fuse(search(episodes, query.text(), vector, config.lexicalTopN() > 0 ? n : 0,
                config.denseTopN() > 0 ? n : 0), config, n);
        int rank = 0;
        for (var episode : fused) {
            rank++;
            Optional<Memory> e = store.get(scope.tenant(), episode.id());
            if (e.isEmpty()) {
                continue;
            }
            double bonus = config.routingWeight() * episode.score();
            List<String> children = e.get().childIds();
            for (int i = 0; i < children.size(); i++) {
                String child = children.get(i);
                int position = 1_000_000 + rank * 1000 + i; // after direct hits, in episode order
                Candidate c = candidates.computeIfAbsent(child, id -> new Candidate(id, 0, new ArrayList<>(), position));
                if (c.signals.stream().noneMatch(s -> s.name().equals(ROUTE))) {
                    c.score += bonus;
                    c.signals.add(new Signal(ROUTE, rank, episode.score(), bonus));
                }
            }
        }
    }

    private SearchHits search(SearchFilter filter, String text, Embedding vector, int lexicalTopN, int denseTopN) {
        return store.search(new SearchRequest(filter, text, denseTopN > 0 ? vector : null, lexicalTopN, denseTopN));
    }

    private static List<ReciprocalRankFusion.Fused> fuse(SearchHits hits, RecallConfig config, int limit) {
        var lists = new ArrayList<ReciprocalRankFusion.RankedList>(2);
        if (config.lexicalTopN() > 0) {
            lists.add(new ReciprocalRankFusion.RankedList(Signal.BM25, config.lexicalWeight(), hits.lexical()));
        }
        if (config.denseTopN() > 0) {
            lists.add(new ReciprocalRankFusion.RankedList(Signal.DENSE, config.denseWeight(), hits.dense()));
        }
        return ReciprocalRankFusion.fuse(config.rrfK(), lists, limit);
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
    }
}
