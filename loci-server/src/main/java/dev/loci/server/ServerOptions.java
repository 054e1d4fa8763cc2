package dev.loci.server;

import dev.loci.InvalidInputException;
import dev.loci.Scope;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How a {@link LociServer} listens and what it accepts. Immutable; start from {@link #defaults()}.
 *
 * @param host               interface to bind, default {@code 127.0.0.1}
 * @param port               TCP port, default 8080; 0 picks a free one ({@link LociServer#port()})
 * @param maxBodyBytes       largest request body accepted, default 1 MiB; larger ones get 413
 * @param maxPendingRequests most {@code /v1} requests running or waiting for the engine at once,
 *                           default 64; one more gets 429 at once (never an unbounded backlog)
 * @param drainTimeout       how long {@link LociServer#close()} waits for requests in flight, default 30 s
 * @param apiKeys            the keys requests authenticate with; null only with {@code noAuthTenant}
 * @param noAuthTenant       when set, no key is asked for and every request works in this tenant
 *                           with the admin role; allowed on a loopback host only
 * @param localAccess        when set, the token commands on this machine use besides the keys
 *                           ({@link LocalAccess}); null by default
 */
public record ServerOptions(String host, int port, long maxBodyBytes, int maxPendingRequests, Duration drainTimeout,
                            ApiKeys apiKeys, String noAuthTenant, LocalAccess localAccess) {
    /** Default body limit: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new InvalidInputException("host", "must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("port", "must be in 0..65535, was " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new InvalidInputException("maxBodyBytes", "must be >= 1024, was " + maxBodyBytes);
        }
        if (maxPendingRequests < 1) {
            throw new InvalidInputException("maxPendingRequests", "must be >= 1, was " + maxPendingRequests);
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new InvalidInputException("drainTimeout", "must be a duration >= 0");
        }
        if (noAuthTenant != null) {
            Scope.tenant(noAuthTenant);
            if (!isLoopback(host)) {
                throw new InvalidInputException("host", "--no-auth is allowed only on a loopback address "
                        + "(127.0.0.1, ::1, localhost), was " + host);
            }
        }
    }

    /** Loopback, port 8080, 1 MiB bodies, 64 pending requests, 30 s drain, no keys yet. */
    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", 8080, DEFAULT_MAX_BODY_BYTES, 64, Duration.ofSeconds(30), null, null, null);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, maxBodyBytes, maxPendingRequests, drainTimeout, apiKeys, noAuthTenant,
                localAccess);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, maxBodyBytes, maxPendingRequests, drainTimeout, apiKeys, noAuthTenant,
                localAccess);
    }

    public ServerOptions withMaxBodyBytes(long bytes) {
        return new ServerOptions(host, port, bytes, maxPendingRequests, drainTimeout, apiKeys, noAuthTenant,
                localAccess);
    }

    public ServerOptions withMaxPendingRequests(int n) {
        return new ServerOptions(host, port, maxBodyBytes, n, drainTimeout, apiKeys, noAuthTenant,
                localAccess);
    }

    public ServerOptions withDrainTimeout(Duration d) {
        return new ServerOptions(host, port, maxBodyBytes, maxPendingRequests, d, apiKeys, noAuthTenant,
                localAccess);
    }

    /** Requests authenticate with these keys ({@code Authorization: Bearer loci_...}). */
    public ServerOptions withApiKeys(ApiKeys keys) {
        return new ServerOptions(host, port, maxBodyBytes, maxPendingRequests, drainTimeout, keys, null, localAccess);
    }

    /** No authentication: every request is an admin of {@code tenant}. Loopback hosts only. */
    public ServerOptions withNoAuth(String tenant) {
        return new ServerOptions(host, port, maxBodyBytes, maxPendingRequests, drainTimeout, null, tenant, localAccess);
    }

    /**
     * Also accept {@code access}'s tokens, from connections of this machine only: what
     * {@code loci serve} gives the commands run beside it ({@link ServerFile}).
     */
    public ServerOptions withLocalAccess(LocalAccess access) {
        return new ServerOptions(host, port, maxBodyBytes, maxPendingRequests, drainTimeout, apiKeys, noAuthTenant,
                access);
    }

    /** Fails unless exactly one way of authenticating is set. */
    void requireAuthMode() {
        if (apiKeys == null && noAuthTenant == null) {
            throw new InvalidInputException("apiKeys", "are required unless no-auth mode is chosen (withNoAuth)");
        }
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
