package dev.loci.store.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.WaitForActiveShardOptions;
import co.elastic.clients.elasticsearch._types.WaitForActiveShards;
import co.elastic.clients.elasticsearch._types.aggregations.CompositeAggregationSource;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.UserSummary;
import dev.loci.spi.AccessRecording;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.Embedding;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.NewestFirstListing;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SearchHits;
import dev.loci.spi.SearchRequest;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoreHit;
import dev.loci.spi.StoreStats;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.UserListing;
import dev.loci.spi.RecordVersion;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * A {@link MemoryStore} over an Elasticsearch cluster: one index per Loci deployment
 * ({@link IndexLayout}), every document routed by its tenant, searched with BM25 over text
 * analysed in Loci ({@link EnglishTokens}) and filtered int8-HNSW kNN; Loci fuses the two lists.
 *
 * <p>Design note (why it is shaped this way):
 * <ul>
 *   <li>Identity: the document id is {@code <tenant length>:<tenant>:<memory id>}, so the same
 *       memory id in two tenants is two documents, and every get, delete and update names the
 *       tenant twice (id and routing). Every search and count is routed by the tenant and filtered
 *       on it ({@link Queries}); only {@link #expired} and {@link #stats} span tenants.</li>
 *   <li>BM25 weighs a word by how rare it is among the memories a search's filter keeps, not
 *       over the tenant's shard (which holds other tenants and users): the shard's and the
 *       filter's counts are read first and each word's term query boosted to the filtered idf
 *       ({@link #search}, {@link ScopedIdf}).</li>
 *   <li>Durability: the index fsyncs its translog on every request
 *       ({@code index.translog.durability: request}); a write waits for
 *       {@link ElasticsearchStoreConfig#waitForActiveShards()} copies before it starts and returns
 *       once the primary and every in-sync replica hold it, so an acknowledged write survives a
 *       {@code kill -9} of any one node when replicas >= 1.</li>
 *   <li>Visibility: gets, {@link #existing} and {@link #vectors} are real-time reads (they see the
 *       translog); searches, counts and listings see what a refresh published, so every write,
 *       delete and recall count waits for the next refresh ({@code refresh=wait_for}) before it
 *       returns. That keeps the port's read-your-writes promise for every Loci node over the same
 *       cluster, at the price of up to one refresh interval per write (no forced refreshes, which
 *       would make tiny segments under load).</li>
 *   <li>Atomicity: Elasticsearch writes each document atomically, not a batch. A batch that fails
 *       part-way throws, with the documents written so far left in place; since writing an id
 *       again replaces it, the caller's retry of the same batch converges. This is weaker than the
 *       port's all-or-nothing batch and is the one documented gap.</li>
 *   <li>Delete by filter: the cluster has no {@code _delete_by_query} here (and it is not atomic
 *       anyway): the matching documents are listed page by page ({@code search_after} on a unique
 *       sort key) and deleted by id in bulk, waiting for the refresh.</li>
 *   <li>Several Loci processes ({@link SharedStore}): {@link #create} writes with
 *       {@code op_type=create}, so of two processes creating one id exactly one succeeds and the
 *       other gets a conflict, which means "already there". It does not wait for a refresh: the
 *       real-time {@link #get}/{@link #existing} see it at once, and the caller writes the same
 *       memories again, organised, right after. Conditional rewrites ({@link #writeIf}) are index
 *       operations under {@code if_seq_no}/{@code if_primary_term} as {@link #readVersioned} (a
 *       real-time multi-get) read them; a 409 is a {@link WriteConflictException}, not a failure.</li>
 *   <li>Recall counts ({@link AccessRecording}): fields beside the record, bumped by partial
 *       updates under optimistic concurrency ({@code if_seq_no}); a conflicting concurrent bump is
 *       retried, so every call counts. No scripts (the test cluster has no painless). They do not
 *       wait for a refresh (every recall records its results: waiting would add up to a refresh
 *       interval to each): gets see them at once, listings and counts after the next refresh.</li>
 * </ul>
 *
 * <p>Not {@link dev.loci.spi.Compactable}: with soft deletes, Elasticsearch keeps deleted
 * documents' bytes for replica recovery (retention leases) whatever a force merge is asked, so
 * the promise "no file holds a byte of a deleted memory" cannot be kept from a client.
 *
 * <p>Thread-safe: the client is. {@link #close} releases the HTTP connections.
 */
public final class ElasticsearchMemoryStore implements MemoryStore, AccessRecording, NewestFirstListing, SharedStore,
        UserListing {
    /** Documents per search page and per bulk request of a delete by filter. */
    private static final int PAGE = 500;
    /** Ids per multi-get. */
    private static final int MGET_CHUNK = 1000;
    private static final int MAX_ID_BYTES = 512;
    private static final int ACCESS_RETRIES = 50;
    private static final System.Logger LOG = System.getLogger(ElasticsearchMemoryStore.class.getName());

    private final ElasticsearchStoreConfig config;
    private final String index;
    private final RestClient rest;
    private final ElasticsearchClient client;
    /** The same transport, for requests sent together (a search's BM25 statistics and its kNN). */
    private final ElasticsearchAsyncClient async;
    private final EnglishTokens tokens = new EnglishTokens();
    private final AtomicBoolean statisticsFailureLogged = new AtomicBoolean();

    private ElasticsearchMemoryStore(ElasticsearchStoreConfig config, RestClient rest) {
        this.config = config;
        this.index = config.index();
        this.rest = rest;
        var transport = new RestClientTransport(rest, new Jackson3JsonpMapper());
        this.client = new ElasticsearchClient(transport);
        this.async = new ElasticsearchAsyncClient(transport);
    }

    /**
     * Connects, creates the index if missing and checks its mapping version. Throws a retriable
     * {@link StorageException} if the cluster cannot be reached, and a
     * {@link dev.loci.FormatVersionException} if the index holds another mapping version.
     */
    public static ElasticsearchMemoryStore open(ElasticsearchStoreConfig config) {
        HttpHost[] hosts = config.hosts().stream().map(u -> new HttpHost(u.getHost(), u.getPort(), u.getScheme()))
                .toArray(HttpHost[]::new);
        RestClient rest = RestClient.builder(hosts).setRequestConfigCallback(rc -> rc
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setSocketTimeout((int) config.requestTimeout().toMillis())).build();
        var store = new ElasticsearchMemoryStore(config, rest);
        try {
            IndexLayout.ensure(store.client, config);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw Failures.opening(config, e);
        }
        return store;
    }

    /**
     * Deletes the whole index the config names, with every memory in it (a no-op when it does not
     * exist): for throwaway indices of evaluation runs and benchmarks, never part of serving.
     */
    public static void deleteIndex(ElasticsearchStoreConfig config) {
        HttpHost[] hosts = config.hosts().stream().map(u -> new HttpHost(u.getHost(), u.getPort(), u.getScheme()))
                .toArray(HttpHost[]::new);
        try (RestClient rest = RestClient.builder(hosts).build()) {
            var client = new ElasticsearchClient(new RestClientTransport(rest, new Jackson3JsonpMapper()));
            if (client.indices().exists(e -> e.index(config.index())).value()) {
                client.indices().delete(d -> d.index(config.index()));
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.of("deleting index " + config.index(), e);
        }
    }

    public ElasticsearchStoreConfig config() {
        return config;
    }

    /**
     * Binds the index to one embedding model ({@code "<model id> <dimensions>"}): the first call on
     * an index records it, later ones with another model fail with a
     * {@link dev.loci.FormatVersionException}, so vectors of two models never mix in one index.
     */
    public void checkEmbedder(String modelAndDimensions) {
        try {
            IndexLayout.checkEmbedder(client, index, modelAndDimensions);
        } catch (IOException | RuntimeException e) {
            throw Failures.of("checking the embedding model of index " + index, e);
        }
    }

    static String docId(String tenant, String id) {
        String doc = tenant.length() + ":" + tenant + ":" + id;
        if (doc.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new InvalidInputException("id", "tenant and id together must fit in " + (MAX_ID_BYTES - 12)
                    + " UTF-8 bytes for the Elasticsearch store, were " + doc.length() + " characters");
        }
        return doc;
    }

    private WaitForActiveShards activeShards() {
        int n = config.waitForActiveShards();
        return n == 0 ? WaitForActiveShards.of(w -> w.option(WaitForActiveShardOptions.All))
                : WaitForActiveShards.of(w -> w.count(n));
    }

    @Override
    public void write(List<StoredMemory> batch) {
        if (batch.isEmpty()) {
            return;
        }
        var ops = new ArrayList<BulkOperation>(batch.size());
        for (StoredMemory s : batch) {
            Memory m = s.memory();
            EsDocument doc = EsDocument.of(s, tokens.indexForm(s.indexText()));
            String tenant = m.scope().tenant();
            ops.add(BulkOperation.of(b -> b.index(i -> i.index(index).id(docId(tenant, m.id())).routing(tenant)
                    .document(doc))));
        }
        bulk("write", ops).items().forEach(item -> {
            if (item.error() != null) {
                throw Failures.item("write of " + item.id(), item.status(), item.error());
            }
        });
    }

    @Override
    public Set<String> create(List<StoredMemory> batch) {
        var taken = new HashSet<String>();
        if (batch.isEmpty()) {
            return taken;
        }
        var ops = new ArrayList<BulkOperation>(batch.size());
        var byDocId = new HashMap<String, String>();
        for (StoredMemory s : batch) {
            Memory m = s.memory();
            EsDocument doc = EsDocument.of(s, tokens.indexForm(s.indexText()));
            String tenant = m.scope().tenant();
            String docId = docId(tenant, m.id());
            byDocId.put(docId, m.id());
            ops.add(BulkOperation.of(b -> b.create(c -> c.index(index).id(docId).routing(tenant).document(doc))));
        }
        for (BulkResponseItem item : bulk("create", ops, Refresh.False).items()) {
            if (item.status() == 409) {
                taken.add(byDocId.get(item.id())); // created before, here or by another process
            } else if (item.error() != null) {
                throw Failures.item("create of " + item.id(), item.status(), item.error());
            }
        }
        return taken;
    }

    @Override
    public Map<String, VersionedMemory> readVersioned(String tenant, Collection<String> ids) {
        var out = new LinkedHashMap<String, VersionedMemory>();
        multiGet(tenant, ids, EsDocument.MEMORY_FIELDS, (id, hit) -> {
            Memory m = hit.doc().memory();
            if (m.scope().tenant().equals(tenant)) {
                out.put(id, new VersionedMemory(m, new RecordVersion(hit.seqNo(), hit.primaryTerm())));
            }
        });
        return out;
    }

    /**
     * Index operations under {@code if_seq_no}/{@code if_primary_term} (a create for
     * {@link RecordVersion#NONE}), in one bulk that waits for the refresh as {@link #write} does;
     * a 409 of an item (the document changed, appeared or went) is a conflict of that record.
     */
    @Override
    public void writeIf(List<ConditionalWrite> batch) {
        if (batch.isEmpty()) {
            return;
        }
        var ops = new ArrayList<BulkOperation>(batch.size());
        var byDocId = new HashMap<String, String>();
        for (ConditionalWrite w : batch) {
            Memory m = w.record().memory();
            EsDocument doc = EsDocument.of(w.record(), tokens.indexForm(w.record().indexText()));
            String tenant = m.scope().tenant();
            String docId = docId(tenant, m.id());
            byDocId.put(docId, m.id());
            RecordVersion v = w.expected();
            ops.add(v.none()
                    ? BulkOperation.of(b -> b.create(c -> c.index(index).id(docId).routing(tenant).document(doc)))
                    : BulkOperation.of(b -> b.index(i -> i.index(index).id(docId).routing(tenant).document(doc)
                            .ifSeqNo(v.sequence()).ifPrimaryTerm(v.term()))));
        }
        var conflicts = new java.util.LinkedHashSet<String>();
        StorageException failed = null;
        for (BulkResponseItem item : bulk("conditional write", ops).items()) {
            if (item.status() == 409) {
                conflicts.add(byDocId.get(item.id()));
            } else if (item.error() != null && failed == null) {
                failed = Failures.item("conditional write of " + item.id(), item.status(), item.error());
            }
        }
        if (failed != null) {
            throw failed;
        }
        if (!conflicts.isEmpty()) {
            throw new WriteConflictException(conflicts);
        }
    }

    private BulkResponse bulk(String action, List<BulkOperation> ops) {
        return bulk(action, ops, Refresh.WaitFor);
    }

    private BulkResponse bulk(String action, List<BulkOperation> ops, Refresh refresh) {
        try {
            return client.bulk(b -> b.index(index).operations(ops).refresh(refresh)
                    .waitForActiveShards(activeShards()).timeout(t -> t.time(config.requestTimeout().toMillis() + "ms")));
        } catch (IOException | RuntimeException e) {
            throw Failures.of(action, e);
        }
    }

    @Override
    public Optional<Memory> get(String tenant, String id) {
        try {
            var r = client.get(g -> g.index(index).id(docId(tenant, id)).routing(tenant)
                    .sourceIncludes(EsDocument.MEMORY_FIELDS), EsDocument.class);
            return r.found() ? Optional.of(r.source().memory()).filter(m -> m.scope().tenant().equals(tenant))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw Failures.of("get", e);
        }
    }

    /** One real-time multi-get per thousand ids, where {@link #get} would make a request each. */
    @Override
    public Map<String, Memory> getAll(String tenant, Collection<String> ids) {
        var out = new java.util.LinkedHashMap<String, Memory>();
        multiGet(tenant, ids, EsDocument.MEMORY_FIELDS, (id, hit) -> {
            Memory m = hit.doc().memory();
            if (m.scope().tenant().equals(tenant)) {
                out.put(id, m);
            }
        });
        return out;
    }

    @Override
    public Set<String> existing(String tenant, Collection<String> ids) {
        var out = new HashSet<String>();
        multiGet(tenant, ids, List.of(), (id, doc) -> out.add(id));
        return out;
    }

    /** Real-time reads of these ids in the tenant; calls {@code found} for each that exists. */
    private void multiGet(String tenant, Collection<String> ids, List<String> fields,
                          java.util.function.BiConsumer<String, Hit0> found) {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
        for (int from = 0; from < all.size(); from += MGET_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MGET_CHUNK));
            Map<String, String> byDocId = new HashMap<>();
            chunk.forEach(id -> byDocId.put(docId(tenant, id), id));
            try {
                var r = client.mget(m -> {
                    m.index(index).realtime(true);
                    byDocId.keySet().forEach(d -> m.docs(x -> x.id(d).routing(tenant)));
                    return fields.isEmpty() ? m.source(s -> s.fetch(false)) : m.sourceIncludes(fields);
                }, EsDocument.class);
                for (MultiGetResponseItem<EsDocument> item : r.docs()) {
                    if (item.isFailure()) {
                        throw new StorageException("Elasticsearch multi-get failed: " + Failures.describe(
                                item.failure().error()), true);
                    }
                    var got = item.result();
                    if (got.found()) {
                        found.accept(byDocId.get(got.id()), new Hit0(got.source(), got.seqNo(), got.primaryTerm()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw Failures.of("multi-get", e);
            }
        }
    }

    /** A document read by id, with the sequence number an optimistic update needs. */
    private record Hit0(EsDocument doc, Long seqNo, Long primaryTerm) {
    }

    @Override
    public boolean delete(String tenant, String id) {
        try {
            var r = client.delete(d -> d.index(index).id(docId(tenant, id)).routing(tenant).refresh(Refresh.WaitFor)
                    .waitForActiveShards(activeShards()));
            return r.result() == co.elastic.clients.elasticsearch._types.Result.Deleted;
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (e.status() == 404) {
                return false;
            }
            throw Failures.of("delete", e);
        } catch (IOException | RuntimeException e) {
            throw Failures.of("delete", e);
        }
    }

    @Override
    public List<Memory> deleteMatching(SearchFilter filter) {
        if (filter.visibleAt() != null || filter.heldAt() != null) {
            throw new IllegalArgumentException("deleteMatching selects by what is stored: visibleAt and heldAt must be null");
        }
        String tenant = filter.scope().tenant();
        var matched = new LinkedHashMap<String, Memory>();
        scan(tenant, Queries.filter(filter), byId(), Integer.MAX_VALUE, EsDocument.MEMORY_FIELDS,
                h -> matched.put(h.id(), h.source().memory()));
        var deleted = new ArrayList<Memory>(matched.size());
        List<String> docIds = List.copyOf(matched.keySet());
        for (int from = 0; from < docIds.size(); from += PAGE) {
            var ops = docIds.subList(from, Math.min(docIds.size(), from + PAGE)).stream()
                    .map(d -> BulkOperation.of(b -> b.delete(x -> x.index(index).id(d).routing(tenant)))).toList();
            for (BulkResponseItem item : bulk("delete by filter", ops).items()) {
                if ("deleted".equals(item.result())) {
                    deleted.add(matched.get(item.id()));
                } else if (item.error() != null && item.status() != 404) {
                    throw Failures.item("delete by filter of " + item.id(), item.status(), item.error());
                }
            }
        }
        return deleted;
    }

    @Override
    public long count(SearchFilter filter) {
        String tenant = filter.scope().tenant();
        try {
            return client.count(c -> c.index(index).routing(tenant).query(Queries.filter(filter))).count();
        } catch (IOException | RuntimeException e) {
            throw Failures.of("count", e);
        }
    }

    @Override
    public List<Memory> list(SearchFilter filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        var out = new ArrayList<Memory>();
        var sort = List.of(asc(EsDocument.OCCURRED), asc(EsDocument.ID));
        scan(filter.scope().tenant(), Queries.filter(filter), sort, limit, EsDocument.MEMORY_FIELDS,
                h -> out.add(h.source().memory()));
        return out;
    }

    @Override
    public List<Memory> listNewestFirst(SearchFilter filter, ListPosition after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        var out = new ArrayList<Memory>();
        var sort = List.of(desc(EsDocument.OCCURRED), desc(EsDocument.ID));
        // (event time, id) is unique within a tenant, so search_after from it skips exactly that memory
        List<FieldValue> start = after == null ? null
                : List.of(FieldValue.of(EsDocument.micros(after.occurredAt())), FieldValue.of(after.id()));
        scan(filter.scope().tenant(), Queries.filter(filter), sort, limit, EsDocument.MEMORY_FIELDS, start,
                h -> out.add(h.source().memory()));
        return out;
    }

    /**
     * A composite aggregation over the user field of the tenant's documents (routed to the
     * tenant's shard), resumed after {@code after}: keyword terms sort by their UTF-8 bytes, which is
     * code point order. Under each user bucket, a terms aggregation counts the kinds and a filter
     * on what is visible at {@code visibleAt} holds the max event time. One request per page; no
     * document is fetched.
     */
    @Override
    public List<UserSummary> users(String tenant, String after, int limit, Instant visibleAt) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        var ofTenant = new SearchFilter(Scope.tenant(tenant), Set.of(), null, Map.of());
        Query visible = Queries.filter(ofTenant.visibleAt(visibleAt));
        try {
            var r = client.search(s -> s.index(index).routing(tenant).size(0).query(Queries.filter(ofTenant))
                    .aggregations("users", a -> a.composite(c -> {
                        c.size(limit).sources(Map.of("user", CompositeAggregationSource.of(src -> src
                                .terms(t -> t.field(EsDocument.USER)))));
                        return after == null ? c : c.after("user", after);
                    }).aggregations("kinds", k -> k.terms(t -> t.field(EsDocument.KIND).size(Kind.values().length)))
                            .aggregations("visible", v -> v.filter(visible)
                                    .aggregations("newest", n -> n.max(m -> m.field(EsDocument.OCCURRED))))),
                    Void.class);
            var out = new ArrayList<UserSummary>();
            for (var b : r.aggregations().get("users").composite().buckets().array()) {
                var counts = new EnumMap<Kind, Long>(Kind.class);
                for (var k : b.aggregations().get("kinds").sterms().buckets().array()) {
                    counts.put(Kind.valueOf(k.key().stringValue()), k.docCount());
                }
                var shown = b.aggregations().get("visible").filter();
                Instant newest = shown.docCount() == 0 ? null
                        : EsDocument.instant((long) shown.aggregations().get("newest").max().value());
                out.add(new UserSummary(b.key().get("user").stringValue(), counts, newest));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw Failures.of("list users", e);
        }
    }

    @Override
    public Map<String, Embedding> vectors(String tenant, Collection<String> ids) {
        var out = new HashMap<String, Embedding>();
        multiGet(tenant, ids, List.of(EsDocument.VECTOR), (id, hit) -> out.put(id, hit.doc().embedding()));
        return out;
    }

    @Override
    public List<Memory> expired(Instant at, int limit) {
        var out = new ArrayList<Memory>();
        var sort = List.of(asc(EsDocument.EXPIRES), asc(EsDocument.TENANT), asc(EsDocument.ID));
        scan(null, Queries.expired(at), sort, limit, EsDocument.MEMORY_FIELDS, h -> out.add(h.source().memory()));
        return out;
    }

    /**
     * BM25 and kNN, the two sent at once. BM25 weighs each word by how rare it is among the memories
     * the filter keeps, as the embedded store does ({@link ScopedIdf}), not over the whole shard:
     * <ol>
     *   <li>the words' shard statistics ({@code _termvectors} of an artificial document holding the
     *       query's terms, routed and preferred as the search, so it reads the same shard copy) and
     *       their counts under the filter (one {@code size: 0} search: its total hits and a
     *       {@code filters} aggregation of one {@code term} query per word), the two at once;</li>
     *   <li>the search: a {@code term} query per word still found under the filter, boosted by
     *       {@code idf(scoped) / idf(shard)}, with the filter.</li>
     * </ol>
     * When the filter keeps every document of the shard, the plain query is asked (the statistics
     * are already its own). Approximate where Elasticsearch is: shard statistics count deleted
     * documents not yet merged away (as the embedded store's index statistics do), a refresh
     * between the two reads can move a count by what it published, and the average length stays
     * the shard's. If the statistics cannot be read, the plain query is asked (logged once), so a
     * failure there never fails a recall that would have succeeded before.
     */
    @Override
    public SearchHits search(SearchRequest request) {
        String tenant = request.filter().scope().tenant();
        Query filter = Queries.filter(request.filter());
        List<String> terms = request.lexicalTopN() > 0 ? tokens.queryTerms(request.text()) : List.of();
        CompletableFuture<List<StoreHit>> dense = request.denseTopN() > 0 ? dense(request, tenant, filter)
                : CompletableFuture.completedFuture(List.of());
        try {
            List<StoreHit> lexical = terms.isEmpty() ? List.of() : lexical(tenant, filter, terms, request.lexicalTopN());
            return new SearchHits(lexical, join(dense));
        } catch (IOException | RuntimeException e) {
            dense.cancel(true);
            throw Failures.of("search", e);
        }
    }

    private List<StoreHit> lexical(String tenant, Query filter, List<String> terms, int topN) throws IOException {
        ScopedIdf stats = scopedStatistics(tenant, filter, terms);
        Query query;
        if (stats == null || stats.keepsWholeShard()) {
            query = Query.of(q -> q.bool(b -> b.must(m -> m.match(t -> t.field(EsDocument.TEXT)
                    .query(String.join(" ", terms)).analyzer("whitespace"))).filter(filter)));
        } else {
            Map<String, Float> boosts = stats.boosts(terms);
            if (boosts.isEmpty()) {
                return List.of(); // no memory in scope holds any of the words
            }
            query = Query.of(q -> q.bool(b -> {
                boosts.forEach((term, boost) -> b.should(s -> s.term(t -> t.field(EsDocument.TEXT).value(term)
                        .boost(boost))));
                return b.minimumShouldMatch("1").filter(filter);
            }));
        }
        var r = client.search(s -> s.index(index).routing(tenant).preference(tenant).query(query).size(topN)
                .source(src -> src.filter(f -> f.includes(EsDocument.ID))).trackTotalHits(t -> t.enabled(false)),
                EsDocument.class);
        return r.hits().hits().stream().map(h -> new StoreHit(h.source().id(), h.score())).toList();
    }

    /** The words' statistics on the tenant's shard and under the filter, or null if they could not be read. */
    private ScopedIdf scopedStatistics(String tenant, Query filter, List<String> terms) {
        try {
            // the client sends routing in the body, where the cluster does not route an artificial document by it
            var shard = async.withTransportOptions(o -> o.setParameter("routing", tenant))
                    .termvectors(t -> t.index(index).preference(tenant)
                    .doc(Map.of(EsDocument.TEXT, String.join(" ", terms))).fields(EsDocument.TEXT)
                    .termStatistics(true).fieldStatistics(true).positions(false).offsets(false).payloads(false));
            List<Query> each = terms.stream().map(t -> Queries.term(EsDocument.TEXT, t)).toList();
            var scoped = async.search(s -> s.index(index).routing(tenant).preference(tenant).size(0).query(filter)
                    .trackTotalHits(t -> t.enabled(true))
                    .aggregations("df", a -> a.filters(f -> f.filters(b -> b.array(each)))), Void.class);
            var vector = join(shard).termVectors().get(EsDocument.TEXT);
            var counted = join(scoped);
            long inScope = counted.hits().total().value();
            var buckets = counted.aggregations().get("df").filters().buckets().array();
            var scopedDf = new HashMap<String, Long>();
            for (int i = 0; i < terms.size(); i++) {
                scopedDf.put(terms.get(i), buckets.get(i).docCount());
            }
            var shardDf = new HashMap<String, Long>();
            long shardDocs = 0;
            if (vector != null) { // absent when no document of the shard has text yet
                shardDocs = vector.fieldStatistics() == null ? 0 : vector.fieldStatistics().docCount();
                vector.terms().forEach((t, st) -> shardDf.put(t, st.docFreq() == null ? 0L : st.docFreq()));
            }
            return new ScopedIdf(shardDocs, shardDf, inScope, scopedDf);
        } catch (IOException | RuntimeException e) {
            if (statisticsFailureLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "BM25 weighs words over the whole shard: the statistics of the "
                        + "memories searched could not be read (" + Failures.of("term statistics", e).getMessage()
                        + "); logged once");
            }
            return null;
        }
    }

    private CompletableFuture<List<StoreHit>> dense(SearchRequest request, String tenant, Query filter) {
        int k = request.denseTopN();
        var vector = new ArrayList<Float>(request.vector().dimensions());
        for (float v : request.vector().toArray()) {
            vector.add(v);
        }
        // cosine scores come as (1 + cos) / 2; report the cosine itself, as the Lucene store does
        return async.search(s -> s.index(index).routing(tenant).preference(tenant)
                .knn(n -> n.field(EsDocument.VECTOR).queryVector(vector).k(k)
                        .numCandidates(Math.min(10_000, Math.max(100, 2 * k))).filter(filter)
                        .rescoreVector(v -> v.oversample(2f)))
                .size(k).source(src -> src.filter(f -> f.includes(EsDocument.ID))), EsDocument.class)
                .thenApply(r -> r.hits().hits().stream().map(h -> new StoreHit(h.source().id(), 2.0 * h.score() - 1.0))
                        .toList());
    }

    /** The future's value, with the request's own failure (not the future's wrapper) thrown. */
    private static <T> T join(CompletableFuture<T> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    @Override
    public StoreStats stats() {
        try {
            long memories = client.count(c -> c.index(index)).count();
            var stats = client.indices().stats(s -> s.index(index).metric("store", "docs")).indices().get(index);
            long total = stats.total().store().sizeInBytes();
            long primaries = stats.primaries().store().sizeInBytes();
            return new StoreStats(memories, total, Map.of("index", index, "mappingVersion",
                    String.valueOf(IndexLayout.MAPPING_VERSION), "primaryBytes", String.valueOf(primaries),
                    "shards", String.valueOf(config.shards()), "replicas", String.valueOf(config.replicas())));
        } catch (IOException | RuntimeException e) {
            throw Failures.of("stats", e);
        }
    }

    @Override
    public void recordAccess(String tenant, Collection<String> ids, Instant at) {
        var times = new LinkedHashMap<String, Integer>();
        ids.forEach(id -> times.merge(id, 1, Integer::sum));
        long atMicros = EsDocument.micros(at);
        for (int attempt = 0; attempt < ACCESS_RETRIES && !times.isEmpty(); attempt++) {
            var ops = new ArrayList<BulkOperation>();
            multiGet(tenant, times.keySet(), List.of(EsDocument.ACCESS_COUNT, EsDocument.LAST_ACCESS), (id, hit) -> {
                EsDocument d = hit.doc();
                int count = (d.accessCount() == null ? 0 : d.accessCount()) + times.get(id);
                Long last = d.lastAccess() == null ? atMicros : Math.max(d.lastAccess(), atMicros);
                ops.add(BulkOperation.of(b -> b.update(u -> u.index(index).id(docId(tenant, id)).routing(tenant)
                        .ifSeqNo(hit.seqNo()).ifPrimaryTerm(hit.primaryTerm())
                        .action(a -> a.doc(EsDocument.counts(count, last))))));
            });
            times.keySet().retainAll(ops.stream().map(o -> idOf(tenant, o.update().id())).toList());
            if (ops.isEmpty()) {
                return;
            }
            // no refresh wait: a recall must not wait up to a refresh interval for its own counts; gets
            // (real-time) see them at once, listings after the next refresh
            for (BulkResponseItem item : bulk("recording accesses", ops, Refresh.False).items()) {
                String id = idOf(tenant, item.id());
                if (item.error() == null || item.status() == 404) {
                    times.remove(id); // counted, or deleted meanwhile
                } else if (item.status() != 409) {
                    throw Failures.item("recording accesses of " + id, item.status(), item.error());
                }
            }
        }
        if (!times.isEmpty()) {
            throw new StorageException("recording accesses of " + times.keySet() + " conflicted " + ACCESS_RETRIES
                    + " times with concurrent updates", true);
        }
    }

    private static String idOf(String tenant, String docId) {
        return docId.substring(String.valueOf(tenant.length()).length() + 1 + tenant.length() + 1);
    }

    /**
     * Up to {@code limit} hits of the query, in the sort's order, page by page with
     * {@code search_after} (the sort must end on a key unique within the routing). A null routing
     * searches every shard.
     */
    private void scan(String routing, Query query, List<SortOptions> sort, int limit, List<String> fields,
                      Consumer<Hit<EsDocument>> each) {
        scan(routing, query, sort, limit, fields, null, each);
    }

    /** As above, starting after the documents up to the sort values {@code start} (null: from the first). */
    private void scan(String routing, Query query, List<SortOptions> sort, int limit, List<String> fields,
                      List<FieldValue> start, Consumer<Hit<EsDocument>> each) {
        List<FieldValue> after = start;
        int left = limit;
        while (left > 0) {
            int size = Math.min(PAGE, left);
            List<FieldValue> from = after;
            try {
                var r = client.search(s -> {
                    s.index(index).query(query).size(size).sort(sort).trackTotalHits(t -> t.enabled(false))
                            .source(src -> src.filter(f -> f.includes(fields)));
                    if (routing != null) {
                        s.routing(routing).preference(routing);
                    }
                    if (from != null) {
                        s.searchAfter(from);
                    }
                    return s;
                }, EsDocument.class);
                var hits = r.hits().hits();
                hits.forEach(each);
                left -= hits.size();
                if (hits.size() < size) {
                    return;
                }
                after = hits.get(hits.size() - 1).sort();
            } catch (IOException | RuntimeException e) {
                throw Failures.of("search", e);
            }
        }
    }

    private static List<SortOptions> byId() {
        return List.of(asc(EsDocument.ID));
    }

    private static SortOptions desc(String field) {
        return SortOptions.of(s -> s.field(f -> f.field(field).order(SortOrder.Desc)));
    }

    private static SortOptions asc(String field) {
        // missing values last, so documents without the field still page in a stable order
        return SortOptions.of(s -> s.field(f -> f.field(field).order(SortOrder.Asc)));
    }

    @Override
    public void close() {
        tokens.close();
        try {
            rest.close();
        } catch (IOException e) {
            throw Failures.of("close", e);
        }
    }
}
