package dev.loci.springai;

import dev.loci.InvalidInputException;
import dev.loci.Scope;
import java.util.Map;

/**
 * How the adapters turn a call into a Loci scope: a tenant, a user (fixed, or per call under
 * {@link LociMemoryAdvisor#USER_ID}), an optional agent, and the conversation as the session.
 * Immutable.
 */
record UserScopes(String tenant, String defaultUserId, String agentId) {
    /** The tenant a builder uses when none is set. */
    static final String DEFAULT_TENANT = "default";

    UserScopes {
        // validate eagerly with Scope's own rules, naming the builder's parameters
        Scope.tenant(tenant);
        if (defaultUserId != null) {
            Scope.user(tenant, defaultUserId);
        }
        if (agentId != null) {
            Scope.tenant(tenant).withAgent(agentId);
        }
    }

    static UserScopes defaults() {
        return new UserScopes(DEFAULT_TENANT, null, null);
    }

    UserScopes withTenant(String t) {
        if (t == null || t.isBlank()) {
            throw new InvalidInputException("tenant", "must not be blank");
        }
        return new UserScopes(t, defaultUserId, agentId);
    }

    UserScopes withUserId(String u) {
        if (u != null && u.isBlank()) {
            throw new InvalidInputException("userId", "must not be blank");
        }
        return new UserScopes(tenant, u, agentId);
    }

    UserScopes withAgentId(String a) {
        if (a != null && a.isBlank()) {
            throw new InvalidInputException("agentId", "must not be blank");
        }
        return new UserScopes(tenant, defaultUserId, a);
    }

    /** The user of a call: the context's {@link LociMemoryAdvisor#USER_ID} entry, else the fixed one. */
    String userId(Map<String, Object> context) {
        Object given = context == null ? null : context.get(LociMemoryAdvisor.USER_ID);
        if (given != null && !given.toString().isBlank()) {
            return given.toString();
        }
        if (defaultUserId == null) {
            throw new InvalidInputException("userId", "is required: set a fixed user on the builder (userId(..)) "
                    + "or pass one per call as the advisor/tool context entry '" + LociMemoryAdvisor.USER_ID + "'");
        }
        return defaultUserId;
    }

    /** Every conversation of the call's user: what recall and context search. */
    Scope user(Map<String, Object> context) {
        Scope s = Scope.user(tenant, userId(context));
        return agentId == null ? s : s.withAgent(agentId);
    }

    /** One conversation of the call's user. */
    Scope conversation(Map<String, Object> context, String conversationId) {
        return user(context).withSession(conversationId);
    }
}
