package dev.loci;

import java.util.Objects;

/**
 * Who a memory belongs to. The tenant is always required; user, agent and session narrow it
 * and may be {@code null}. As a recall filter, a {@code null} part matches any value.
 *
 * <p>Identifiers are 1 to 256 characters without control characters.
 */
public record Scope(String tenant, String userId, String agentId, String sessionId) {
    /** Longest identifier accepted for any scope part. */
    public static final int MAX_ID_LENGTH = 256;

    public Scope {
        tenant = checkId("scope.tenant", tenant, true);
        userId = checkId("scope.userId", userId, false);
        agentId = checkId("scope.agentId", agentId, false);
        sessionId = checkId("scope.sessionId", sessionId, false);
    }

    public static Scope tenant(String tenant) {
        return new Scope(tenant, null, null, null);
    }

    public static Scope user(String tenant, String userId) {
        return new Scope(tenant, userId, null, null);
    }

    public Scope withSession(String session) {
        return new Scope(tenant, userId, agentId, session);
    }

    public Scope withAgent(String agent) {
        return new Scope(tenant, userId, agent, sessionId);
    }

    /** True when every non-null part of this scope equals the same part of {@code other}. */
    public boolean covers(Scope other) {
        return tenant.equals(other.tenant)
                && (userId == null || userId.equals(other.userId))
                && (agentId == null || agentId.equals(other.agentId))
                && (sessionId == null || sessionId.equals(other.sessionId));
    }

    static String checkId(String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                throw new InvalidInputException(field, "is required");
            }
            return null;
        }
        if (value.isBlank()) {
            throw new InvalidInputException(field, "must not be blank");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException(field,
                    "is " + value.length() + " characters; at most " + MAX_ID_LENGTH + " allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidInputException(field, "must not contain control characters");
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "Scope[" + tenant
                + (userId == null ? "" : ", user=" + userId)
                + (agentId == null ? "" : ", agent=" + agentId)
                + (sessionId == null ? "" : ", session=" + sessionId) + "]";
    }

    static Scope requireNonNull(Scope scope) {
        return Objects.requireNonNullElseGet(scope, () -> {
            throw new InvalidInputException("scope", "is required");
        });
    }
}
