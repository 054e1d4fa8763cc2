package dev.loci.internal;

import dev.loci.InvalidInputException;
import dev.loci.LociConfig.RecallConfig;
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
import java.util.List;

/**
 * Recall, top to bottom: embed the query, fetch BM25 and kNN candidate ids under the scope and
 * filters, fuse them with weighted reciprocal rank fusion, load the top k, and return them with
 * every signal's rank and score. Thread-safe.
 */
public final class RecallPipeline {
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
        var filter = new SearchFilter(scope, query.kinds(), query.timeRange(), query.metadata());
        SearchHits hits = store.search(new SearchRequest(filter, query.text(), vector,
                config.lexicalTopN(), config.denseTopN()));

        var lists = new ArrayList<ReciprocalRankFusion.RankedList>(2);
        if (config.lexicalTopN() > 0) {
            lists.add(new ReciprocalRankFusion.RankedList(Signal.BM25, config.lexicalWeight(), hits.lexical()));
        }
        if (config.denseTopN() > 0) {
            lists.add(new ReciprocalRankFusion.RankedList(Signal.DENSE, config.denseWeight(), hits.dense()));
        }
        // Fuse on ids, then load only the winners (a memory deleted meanwhile is skipped).
        List<Recalled> results = new ArrayList<>(query.k());
        for (var f : ReciprocalRankFusion.fuse(config.rrfK(), lists, query.k())) {
            store.get(scope.tenant(), f.id()).ifPresent(m -> results.add(new Recalled(m, f.score(), f.signals())));
        }
        return new RecallResult(results, System.nanoTime() - start);
    }
}
