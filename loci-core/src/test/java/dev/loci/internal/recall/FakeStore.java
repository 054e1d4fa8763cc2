package dev.loci.internal.recall;

import dev.loci.Memory;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoreStats;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hand-made candidates for unit tests of recall's steps: every search answers the hit lists it was
 * given (those of its memories the search's filter lets through), memories and vectors are what was
 * added, and the query vector is a constant. Counts the calls of {@link #count}. Not thread-safe.
 */
final class FakeStore implements MemoryStore, Embedder {
    private final Map<String, Memory> memories = new LinkedHashMap<>();
    private final Map<String, Embedding> vectors = new HashMap<>();
    private List<StoreHit> lexical = List.of();
    private List<StoreHit> dense = List.of();
    private long count = -1;
    private boolean denseByVector;
    int countCalls;
    /** The vectors of the kNN searches made, in order. */
    final List<Embedding> denseQueries = new java.util.ArrayList<>();
    /** The texts embedded as questions, in order. */
    final List<String> questions = new java.util.ArrayList<>();

    void add(Memory m, Embedding vector) {
        memories.put(m.id(), m);
        vectors.put(m.id(), vector);
    }

    void hits(List<StoreHit> lexical, List<StoreHit> dense) {
        this.lexical = lexical;
        this.dense = dense;
    }

    /** kNN searches rank every memory the filter lets through by its vector's dot product with the query's. */
    void denseByVector() {
        this.denseByVector = true;
    }

    /** What {@link #count} answers (by default, how many memories were added). */
    void count(long n) {
        this.count = n;
    }

    @Override
    public SearchHits search(SearchRequest request) {
        if (request.denseTopN() > 0) {
            denseQueries.add(request.vector());
        }
        if (denseByVector && request.denseTopN() > 0) {
            List<StoreHit> knn = memories.values().stream().filter(request.filter()::matches)
                    .map(m -> new StoreHit(m.id(), vectors.get(m.id()).dot(request.vector())))
                    .sorted(java.util.Comparator.comparingDouble((StoreHit h) -> -h.score()).thenComparing(StoreHit::id))
                    .limit(request.denseTopN()).toList();
            return new SearchHits(request.lexicalTopN() > 0
                    ? within(lexical, request.filter(), request.lexicalTopN()) : List.of(), knn);
        }
        return new SearchHits(
                request.lexicalTopN() > 0 ? within(lexical, request.filter(), request.lexicalTopN()) : List.of(),
                request.denseTopN() > 0 ? within(dense, request.filter(), request.denseTopN()) : List.of());
    }

    private List<StoreHit> within(List<StoreHit> hits, SearchFilter filter, int n) {
        return hits.stream().filter(h -> memories.containsKey(h.id()) && filter.matches(memories.get(h.id())))
                .limit(n).toList();
    }

    @Override
    public Optional<Memory> get(String tenant, String id) {
        return Optional.ofNullable(memories.get(id));
    }

    @Override
    public Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        Map<String, Embedding> out = new HashMap<>();
        ids.forEach(id -> {
            if (vectors.containsKey(id)) {
                out.put(id, vectors.get(id));
            }
        });
        return out;
    }

    @Override
    public long count(SearchFilter filter) {
        countCalls++;
        return count >= 0 ? count : memories.values().stream().filter(filter::matches).count();
    }

    @Override
    public void write(List<StoredMemory> batch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(String tenant, String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Memory> deleteMatching(SearchFilter filter) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Memory> list(SearchFilter filter, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Memory> expired(Instant at, int limit) {
        return List.of();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(memories.size(), 0, Map.of());
    }

    @Override
    public int dimensions() {
        return 3;
    }

    @Override
    public String modelId() {
        return "fake";
    }

    @Override
    public List<Embedding> embedDocuments(List<String> texts) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Embedding embedQuery(String text) {
        questions.add(text);
        return Embedding.of(new float[] {1, 0, 0});
    }

    @Override
    public void close() {
    }
}
