package dev.loci.store.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.JsonData;
import dev.loci.FormatVersionException;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;

/**
 * The index of a Loci deployment: its settings and mapping, created on first start and checked
 * on every start. The mapping carries its version in {@code _meta.loci_mapping_version}; an index
 * of another version (or not made by Loci) fails the start with a {@link FormatVersionException}
 * naming both versions, never a silent rewrite.
 *
 * <p>Mapping: {@code dynamic: strict} (a stray field is an error, not a new mapping);
 * {@code _routing} required (the tenant); keyword fields for scope, kind and metadata pairs;
 * longs (epoch microseconds) for times; {@code text} split on whitespace only (the tokens come
 * analysed from Loci, see {@link EnglishTokens}); {@code vec} an int8-quantized HNSW
 * {@code dense_vector} with cosine similarity, its dimension set by the first memory written;
 * {@code record} the binary memory, in the source only. Settings: the translog is fsynced on
 * every request before it is acknowledged ({@code index.translog.durability: request}).
 */
final class IndexLayout {
    /** Version of the mapping below; bump it (and add a migration note) whenever it changes. */
    static final int MAPPING_VERSION = 1;
    static final String VERSION_KEY = "loci_mapping_version";
    /** The embedding model (id and dimensions) whose vectors the index holds, set by the first writer. */
    static final String EMBEDDER_KEY = "loci_embedder";

    private IndexLayout() {
    }

    static String body(ElasticsearchStoreConfig config) {
        return """
            {
              "settings": {
                "index": {
                  "number_of_shards": %d,
                  "number_of_replicas": %d,
                  "refresh_interval": "%dms",
                  "translog": { "durability": "request" }
                }
              },
              "mappings": {
                "_meta": { "%s": %d, "made_by": "loci-store-elasticsearch" },
                "dynamic": "strict",
                "_routing": { "required": true },
                "properties": {
                  "tenant":  { "type": "keyword" },
                  "id":      { "type": "keyword" },
                  "user":    { "type": "keyword" },
                  "agent":   { "type": "keyword" },
                  "session": { "type": "keyword" },
                  "kind":    { "type": "keyword" },
                  "meta":    { "type": "keyword" },
                  "occurred": { "type": "long" },
                  "recorded": { "type": "long" },
                  "validTo":  { "type": "long" },
                  "expires":  { "type": "long" },
                  "accessCount": { "type": "integer", "index": false },
                  "lastAccess":  { "type": "long", "index": false },
                  "text":    { "type": "text", "analyzer": "whitespace" },
                  "vec":     { "type": "dense_vector", "index": true, "similarity": "cosine",
                               "index_options": { "type": "int8_hnsw" } },
                  "record":  { "type": "binary" }
                }
              }
            }
            """.formatted(config.shards(), config.replicas(), config.refreshInterval().toMillis(), VERSION_KEY,
                MAPPING_VERSION);
    }

    /** Creates the index if it does not exist, then checks that its mapping is this version's. */
    static void ensure(ElasticsearchClient client, ElasticsearchStoreConfig config) throws IOException {
        String index = config.index();
        if (!client.indices().exists(e -> e.index(index)).value()) {
            try {
                client.indices().create(c -> c.index(index).withJson(new StringReader(body(config)))
                        .waitForActiveShards(w -> w.count(1)));
            } catch (ElasticsearchException e) {
                // Another Loci node created it first: fine, it is checked below like any other.
                if (!"resource_already_exists_exception".equals(e.error().type())) {
                    throw e;
                }
            }
        }
        var mapping = client.indices().getMapping(g -> g.index(index)).result().get(index);
        Map<String, JsonData> meta = mapping == null ? null : mapping.mappings().meta();
        JsonData version = meta == null ? null : meta.get(VERSION_KEY);
        if (version == null) {
            throw new FormatVersionException("Elasticsearch index " + index + " was not made by Loci (its mapping has no _meta."
                    + VERSION_KEY + "); choose another index name");
        }
        int found = version.to(Integer.class);
        if (found != MAPPING_VERSION) {
            throw new FormatVersionException("Elasticsearch index " + index + " has Loci mapping version " + found
                    + ", this release reads version " + MAPPING_VERSION + "; reindex into a new index or use a matching release");
        }
    }

    /**
     * Records in the mapping's {@code _meta} which embedding model the index holds vectors of, the
     * first time; afterwards fails with a {@link FormatVersionException} when another model opens it,
     * as the embedded store's {@code EMBEDDER} file does. Two processes recording the same model at
     * once write the same value.
     */
    static void checkEmbedder(ElasticsearchClient client, String index, String embedder) throws IOException {
        var mapping = client.indices().getMapping(g -> g.index(index)).result().get(index);
        Map<String, JsonData> meta = new java.util.HashMap<>(mapping.mappings().meta());
        JsonData found = meta.get(EMBEDDER_KEY);
        if (found == null) {
            meta.put(EMBEDDER_KEY, JsonData.of(embedder));
            client.indices().putMapping(p -> p.index(index).meta(meta));
        } else if (!found.to(String.class).equals(embedder)) {
            throw new FormatVersionException("Elasticsearch index " + index + " holds vectors of embedding model '"
                    + found.to(String.class) + "' but is being opened with '" + embedder
                    + "'; use the same model or another index");
        }
    }
}
