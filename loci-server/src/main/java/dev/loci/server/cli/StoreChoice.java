package dev.loci.server.cli;

import dev.loci.InvalidInputException;
import dev.loci.StorageException;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.store.elasticsearch.ElasticsearchStoreConfig;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a command keeps memories: {@code --store lucene} (default, the data directory) or
 * {@code --store elasticsearch --es-hosts http://127.0.0.1:9200,...} (a cluster that several
 * {@code loci serve} processes share). A picocli mixin shared by {@code serve} and every command
 * of {@code loci} that opens memories; the choice becomes {@link EmbeddedOptions}, so the engine is
 * assembled in one place whatever the store.
 *
 * <p>Without the options, the environment decides: {@code LOCI_STORE}, {@code LOCI_ES_HOSTS},
 * {@code LOCI_ES_INDEX}.
 */
public final class StoreChoice {
    /** What the engine is told to do with this hint when no cluster answers. */
    static final String START_HINT = "start one on this machine with 'scripts/elasticsearch-cluster start', "
            + "or name a running cluster with --es-hosts";

    @Option(names = "--store", paramLabel = "S",
            description = "Where memories are kept: lucene (the data directory, default) or elasticsearch "
                    + "(a cluster, shared by several servers; see --es-hosts). Default: $LOCI_STORE or lucene.")
    String store;

    @Option(names = "--es-hosts", paramLabel = "URLS",
            description = "With --store elasticsearch: the cluster's nodes, comma-separated "
                    + "(default: $LOCI_ES_HOSTS or http://127.0.0.1:9200).")
    String esHosts;

    @Option(names = "--es-index", paramLabel = "NAME",
            description = "With --store elasticsearch: the index holding the memories "
                    + "(default: $LOCI_ES_INDEX or loci-memories).")
    String esIndex;

    private Map<String, String> env = System.getenv();

    /** For tests: read these variables instead of the process environment. */
    StoreChoice withEnvironment(Map<String, String> environment) {
        this.env = Map.copyOf(environment);
        return this;
    }

    /** Whether memories go to an Elasticsearch cluster (else the data directory's Lucene store). */
    public boolean elasticsearch() {
        String s = store != null ? store : env.getOrDefault("LOCI_STORE", "lucene");
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "lucene" -> {
                if (esHosts != null || esIndex != null) {
                    throw new InvalidInputException("--store", (esHosts != null ? "--es-hosts" : "--es-index")
                            + " needs --store elasticsearch (the store is " + s + ")");
                }
                yield false;
            }
            case "elasticsearch", "es" -> true;
            default -> throw new InvalidInputException("--store", "'" + s + "' is not a store; use lucene or elasticsearch"
                    + (store == null ? " (from LOCI_STORE)" : ""));
        };
    }

    /** The cluster settings the options name; only meaningful when {@link #elasticsearch()}. */
    public ElasticsearchStoreConfig cluster() {
        return cluster(esIndex != null ? esIndex : env.getOrDefault("LOCI_ES_INDEX", "loci-memories"));
    }

    /**
     * The options for a run that should not write into a deployment's index (evaluation,
     * benchmarks): with Elasticsearch, the index {@code throwaway} unless {@code --es-index} names one.
     * {@link #isThrowaway} then says whether the caller should delete it when done.
     */
    public EmbeddedOptions applyThrowaway(EmbeddedOptions options, String throwaway) {
        if (!elasticsearch()) {
            return options.withLucene();
        }
        return options.withElasticsearch(cluster(esIndex != null ? esIndex : throwaway));
    }

    /** Whether {@link #applyThrowaway} chose the throwaway index (no {@code --es-index} was given). */
    public boolean isThrowaway() {
        return esIndex == null;
    }

    private ElasticsearchStoreConfig cluster(String index) {
        String hosts = esHosts != null ? esHosts : env.getOrDefault("LOCI_ES_HOSTS", "http://127.0.0.1:9200");
        try {
            var parsed = ElasticsearchStoreConfig.parseHosts(hosts);
            return ElasticsearchStoreConfig.builder().hosts(parsed).index(index).build();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--es-hosts", "'" + hosts + "' is not a list of http://host:port: "
                    + e.getMessage());
        } catch (InvalidInputException e) {
            String option = "index".equals(e.field()) ? "--es-index" : "--es-hosts";
            throw new InvalidInputException(option, e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        }
    }

    /** The options with this store choice applied. */
    public EmbeddedOptions apply(EmbeddedOptions options) {
        return elasticsearch() ? options.withElasticsearch(cluster()) : options.withLucene();
    }

    /**
     * A failure to open the store, in the user's terms: when no Elasticsearch node answered, the
     * message says how to start one or name another.
     */
    public RuntimeException explain(RuntimeException e) {
        if (e instanceof StorageException s && s.getMessage() != null
                && s.getMessage().startsWith("no Elasticsearch node answers")) {
            return new StorageException(s.getMessage() + "; " + START_HINT, true, s);
        }
        return e;
    }
}
