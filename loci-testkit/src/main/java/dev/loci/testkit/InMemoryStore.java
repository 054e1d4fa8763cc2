package dev.loci.testkit;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.UserSummary;
import dev.loci.spi.AccessRecording;
import dev.loci.spi.Embedding;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.NewestFirstListing;
import dev.loci.spi.UserListing;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoreStats;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A store in plain maps: exact cosine search and a simple term-overlap lexical score (matching
 * query terms weighted by inverse document frequency). Not durable. Thread-safe (synchronized).
 * It is the reference the contract suite and unit tests run against. Every write and delete of a
 * record gives it a new sequence number, which {@link SharedInMemoryStore} (the same store as
 * several processes would share it) exposes as its version.
 */
public class InMemoryStore implements MemoryStore, AccessRecording, NewestFirstListing, UserListing {
    /** The order {@link UserListing} lists user ids in (the UTF-8 byte order of an index's terms). */
    private static final Comparator<String> CODE_POINTS = (a, b) -> java.util.Arrays.compare(a.codePoints().toArray(),
            b.codePoints().toArray());
    private final Map<String, StoredMemory> byKey = new LinkedHashMap<>();
    /** Key → sequence number of its last write; every write and delete takes the next {@link #sequence}. */
    private final Map<String, Long> sequences = new HashMap<>();
    private long sequence;

    @Override
    public synchronized void write(List<StoredMemory> batch) {
        for (StoredMemory m : batch) {
            put(key(m.memory().scope().tenant(), m.memory().id()), m);
        }
    }

    /** Stores the record under the key with a new sequence number. Callers hold this store's monitor. */
    final void put(String key, StoredMemory m) {
        byKey.put(key, m);
        sequences.put(key, ++sequence);
    }

    /** The record under the key and its sequence number, null when absent. Callers hold this store's monitor. */
    final Map.Entry<StoredMemory, Long> entry(String key) {
        StoredMemory m = byKey.get(key);
        return m == null ? null : Map.entry(m, sequences.get(key));
    }

    private StoredMemory remove(String key) {
        sequence++;
        sequences.remove(key);
        return byKey.remove(key);
    }

    @Override
    public synchronized Optional<Memory> get(String tenant, String id) {
        return Optional.ofNullable(byKey.get(key(tenant, id))).map(StoredMemory::memory);
    }

    @Override
    public synchronized boolean delete(String tenant, String id) {
        return remove(key(tenant, id)) != null;
    }

    @Override
    public synchronized List<Memory> deleteMatching(SearchFilter filter) {
        if (filter.visibleAt() != null || filter.heldAt() != null) {
            throw new IllegalArgumentException("deleteMatching takes no visibleAt or heldAt filter (deletes are by what is stored)");
        }
        List<Memory> deleted = new ArrayList<>();
        var it = byKey.values().iterator();
        while (it.hasNext()) {
            Memory m = it.next().memory();
            if (filter.matches(m)) {
                deleted.add(m);
                it.remove();
                sequences.remove(key(m.scope().tenant(), m.id()));
                sequence++;
            }
        }
        return deleted;
    }

    @Override
    public synchronized long count(SearchFilter filter) {
        return byKey.values().stream().filter(m -> filter.matches(m.memory())).count();
    }

    @Override
    public synchronized List<Memory> list(SearchFilter filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return byKey.values().stream().map(StoredMemory::memory).filter(filter::matches)
                .sorted(Comparator.comparing(Memory::occurredAt).thenComparing(Memory::id)).limit(limit).toList();
    }

    @Override
    public synchronized List<Memory> listNewestFirst(SearchFilter filter, ListPosition after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return byKey.values().stream().map(StoredMemory::memory).filter(filter::matches)
                .filter(m -> after == null || after.isBefore(m)).sorted(ListPosition.NEWEST_FIRST).limit(limit).toList();
    }

    @Override
    public synchronized List<UserSummary> users(String tenant, String after, int limit, Instant visibleAt) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        var byUser = new TreeMap<String, List<Memory>>(CODE_POINTS);
        for (StoredMemory stored : byKey.values()) {
            Scope s = stored.memory().scope();
            if (s.tenant().equals(tenant) && s.userId() != null
                    && (after == null || CODE_POINTS.compare(s.userId(), after) > 0)) {
                byUser.computeIfAbsent(s.userId(), u -> new ArrayList<>()).add(stored.memory());
            }
        }
        return byUser.entrySet().stream().limit(limit).map(e -> {
            Map<Kind, Long> counts = e.getValue().stream()
                    .collect(Collectors.groupingBy(Memory::kind, () -> new EnumMap<>(Kind.class), Collectors.counting()));
            Instant last = e.getValue().stream().filter(m -> visibleAt == null || m.visibleAt(visibleAt))
                    .map(Memory::occurredAt).max(Comparator.naturalOrder())
                    .map(t -> t.truncatedTo(ChronoUnit.MICROS)).orElse(null);
            return new UserSummary(e.getKey(), counts, last);
        }).toList();
    }

    @Override
    public synchronized Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        Map<String, Embedding> out = new LinkedHashMap<>();
        for (String id : ids) {
            StoredMemory m = byKey.get(key(tenant, id));
            if (m != null) {
                out.put(id, m.embedding());
            }
        }
        return out;
    }

    @Override
    public synchronized List<Memory> expired(Instant at, int limit) {
        return byKey.values().stream().map(StoredMemory::memory)
                .filter(m -> m.lifecycle().expiredAt(at)).limit(limit).toList();
    }

    @Override
    public synchronized void recordAccess(String tenant, Collection<String> ids, Instant at) {
        for (String id : ids) {
            String key = key(tenant, id);
            StoredMemory m = byKey.get(key);
            if (m != null) {
                var life = m.memory().lifecycle();
                Instant last = life.lastAccessedAt() != null && life.lastAccessedAt().isAfter(at)
                        ? life.lastAccessedAt() : at;
                put(key, new StoredMemory(m.memory().withLifecycle(life.accessed(last)), m.embedding(),
                        m.indexText()));
            }
        }
    }

    @Override
    public synchronized SearchHits search(SearchRequest request) {
        List<StoredMemory> candidates = byKey.values().stream()
                .filter(m -> request.filter().matches(m.memory())).toList();
        List<StoreHit> dense = List.of();
        if (request.denseTopN() > 0) {
            Embedding q = request.vector();
            dense = candidates.stream()
                    .map(m -> new StoreHit(m.memory().id(), m.embedding().dot(q)))
                    .sorted(Comparator.comparingDouble((StoreHit h) -> -h.score()).thenComparing(StoreHit::id))
                    .limit(request.denseTopN()).toList();
        }
        List<StoreHit> lexical = List.of();
        if (request.lexicalTopN() > 0) {
            lexical = lexical(candidates, request.text(), request.lexicalTopN());
        }
        return new SearchHits(lexical, dense);
    }

    private static List<StoreHit> lexical(List<StoredMemory> docs, String query, int n) {
        Set<String> terms = tokens(query).stream().collect(Collectors.toSet());
        Map<String, Integer> df = new HashMap<>();
        List<Set<String>> docTerms = new ArrayList<>();
        for (StoredMemory d : docs) {
            Set<String> t = Set.copyOf(tokens(d.indexText()));
            docTerms.add(t);
            for (String term : t) {
                if (terms.contains(term)) {
                    df.merge(term, 1, Integer::sum);
                }
            }
        }
        var hits = new ArrayList<StoreHit>();
        for (int i = 0; i < docs.size(); i++) {
            double score = 0;
            for (String term : terms) {
                if (docTerms.get(i).contains(term)) {
                    score += Math.log(1 + (docs.size() - df.get(term) + 0.5) / (df.get(term) + 0.5));
                }
            }
            if (score > 0) {
                hits.add(new StoreHit(docs.get(i).memory().id(), score));
            }
        }
        hits.sort(Comparator.comparingDouble((StoreHit h) -> -h.score()).thenComparing(StoreHit::id));
        return hits.subList(0, Math.min(n, hits.size()));
    }

    private static List<String> tokens(String text) {
        return java.util.Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public synchronized StoreStats stats() {
        return new StoreStats(byKey.size(), 0, Map.of("store", "in-memory"));
    }

    @Override
    public void close() {
    }

    static String key(String tenant, String id) {
        return tenant + "\u0000" + id;
    }
}
