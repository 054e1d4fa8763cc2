package dev.loci.server;

import dev.loci.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The credential a server gives the {@code loci} commands run on the same machine, so that they work
 * through it while it holds the data directory. One random 256-bit secret per server process,
 * written only into the data directory's {@link ServerFile} (owner-readable only) and never into
 * {@code api-keys}: whoever can read that file can read every memory in the directory's files
 * anyway, so it grants nothing new; it stops working when the server stops.
 *
 * <p>A token reads {@code loci-local.<secret>.<tenant>} (the tenant base64url-encoded): admin of that
 * tenant, as the command's {@code --tenant} says (the commands work in any tenant of their data
 * directory, as they do without a server); or {@code loci-local.<secret>} with no tenant, which
 * reaches only store-wide routes ({@code /v1/stats}). The server accepts it only on connections from
 * an address of its own machine.
 *
 * <p>Immutable and thread-safe.
 */
public final class LocalAccess {
    /** How every local token starts; API keys start with {@code loci_}, so the two never mix. */
    public static final String PREFIX = "loci-local.";
    private static final int SECRET_BYTES = 32;

    private final String secret;

    private LocalAccess(String secret) {
        this.secret = secret;
    }

    /** A new random secret. */
    public static LocalAccess create() {
        byte[] bytes = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new LocalAccess(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The access a {@link ServerFile} recorded. */
    public static LocalAccess of(String secret) {
        if (secret == null || secret.isBlank() || secret.contains(".")) {
            throw new IllegalArgumentException("not a local access secret");
        }
        return new LocalAccess(secret);
    }

    /** The secret, for the server file. */
    String secret() {
        return secret;
    }

    /** The bearer token for working in {@code tenant}; null for store-wide routes only. */
    public String token(String tenant) {
        if (tenant == null) {
            return PREFIX + secret;
        }
        Scope.tenant(tenant); // the engine's own rules for a tenant
        return PREFIX + secret + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(tenant.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a bearer token is of this kind (not whether it is valid). */
    static boolean isLocal(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    /**
     * What a token grants: empty when its secret is not this server's (compared in constant time)
     * or it is malformed; else the tenant it names, or an empty string for none.
     */
    Optional<String> tenantOf(String token) {
        if (!isLocal(token)) {
            return Optional.empty();
        }
        String rest = token.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        String presented = dot < 0 ? rest : rest.substring(0, dot);
        boolean match = MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                secret.getBytes(StandardCharsets.US_ASCII));
        if (!match) {
            return Optional.empty();
        }
        if (dot < 0) {
            return Optional.of("");
        }
        try {
            String tenant = new String(Base64.getUrlDecoder().decode(rest.substring(dot + 1)), StandardCharsets.UTF_8);
            Scope.tenant(tenant);
            return Optional.of(tenant);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
