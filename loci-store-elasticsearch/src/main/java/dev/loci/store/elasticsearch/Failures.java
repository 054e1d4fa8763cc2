package dev.loci.store.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.transport.TransportException;
import dev.loci.StorageException;
import java.io.IOException;
import java.util.Set;

/**
 * The one place where the client's exceptions become Loci's: {@link StorageException}, retriable
 * when the cluster may answer a retry (unreachable, overloaded, no master or too few active shard
 * copies yet, timeouts), not retriable when the request itself is wrong (mapping, bad query).
 */
final class Failures {
    /** HTTP statuses worth a retry: timeout, conflict (a concurrent update), overload, unavailable. */
    private static final Set<Integer> RETRIABLE_STATUS = Set.of(408, 409, 429, 500, 502, 503, 504);

    private Failures() {
    }

    static StorageException of(String action, Exception e) {
        if (e instanceof StorageException s) {
            return s;
        }
        if (e instanceof ElasticsearchException ee) {
            return new StorageException("Elasticsearch " + action + " failed: " + describe(ee.error()) + " (HTTP "
                    + ee.status() + ")", RETRIABLE_STATUS.contains(ee.status()), e);
        }
        if (e instanceof TransportException te) {
            int status = te.statusCode();
            return new StorageException("Elasticsearch " + action + " failed: " + te.getMessage(),
                    status <= 0 || RETRIABLE_STATUS.contains(status), e);
        }
        if (e instanceof IOException) {
            return new StorageException("Elasticsearch " + action + " failed, cluster unreachable: " + e, true, e);
        }
        return new StorageException("Elasticsearch " + action + " failed: " + e, false, e);
    }

    /**
     * Opening failed: when no node answered, says which hosts were tried (the cause, e.g. connection
     * refused, alone), since that is what the user has to fix.
     */
    static StorageException opening(ElasticsearchStoreConfig config, Exception e) {
        if (e instanceof StorageException s) {
            return s;
        }
        if (e instanceof IOException) {
            String hosts = String.join(", ", config.hosts().stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.net.ConnectException && (why.isBlank() || why.startsWith("Connection refused"))) {
                why = "connection refused";
            }
            return new StorageException("no Elasticsearch node answers at " + hosts + " (" + why + ")", true, e);
        }
        return of("opening index " + config.index(), e);
    }

    /** An error of one item of a bulk request. */
    static StorageException item(String action, int status, ErrorCause error) {
        return new StorageException("Elasticsearch " + action + " failed: " + describe(error) + " (HTTP " + status + ")",
                RETRIABLE_STATUS.contains(status));
    }

    static String describe(ErrorCause error) {
        if (error == null) {
            return "no error detail";
        }
        String s = error.type() + ": " + error.reason();
        return error.causedBy() == null ? s : s + " caused by " + describe(error.causedBy());
    }
}
