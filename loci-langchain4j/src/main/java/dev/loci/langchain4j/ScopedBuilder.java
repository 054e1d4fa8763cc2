package dev.loci.langchain4j;

import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.Scope;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the builders of the adapters share: the Loci they work on and how a call maps to a scope
 * (a tenant and a user, fixed or read from the call, with the chat memory id as the session; or a
 * whole scope mapping). {@code K} is what a call is known by: its chat memory id, or its retrieval
 * query. Not thread-safe.
 *
 * @param <B> the builder itself, returned by each setter
 * @param <K> what a call is known by
 */
abstract class ScopedBuilder<B extends ScopedBuilder<B, K>, K> {
    private Loci loci;
    private String tenant = "default";
    private Function<K, String> userOf;
    private Function<K, Scope> scopeOf;

    ScopedBuilder() {
    }

    /** The memory: an embedded engine or a client of a Loci server. Required. */
    public B loci(Loci l) {
        this.loci = l;
        return self();
    }

    /** The tenant; default {@code default}. With a client, the API key's tenant. */
    public B tenant(String t) {
        this.tenant = t;
        return self();
    }

    /** One user for every conversation. Either this, {@link #userId(Function)} or {@link #scopeOf}. */
    public B userId(String user) {
        Objects.requireNonNull(user, "userId");
        this.userOf = k -> user;
        return self();
    }

    /** The user of a call, from its chat memory id (e.g. ids like {@code maya:42}) or the query. */
    public B userId(Function<K, String> userOfCall) {
        this.userOf = Objects.requireNonNull(userOfCall, "userId");
        return self();
    }

    /**
     * The whole scope of a call (its session included) for mappings the tenant and user setters
     * cannot express; overrides them. Use the same mapping for every adapter of one conversation.
     * The scope should name a session, so that deleting a conversation forgets that one only.
     */
    public B scopeOf(Function<K, Scope> mapping) {
        this.scopeOf = Objects.requireNonNull(mapping, "scopeOf");
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The Loci set, refused when none is. */
    final Loci requiredLoci() {
        return Objects.requireNonNull(loci, "loci is required");
    }

    /**
     * The scope of a call's session: the scope mapping when one is set, else the tenant, the call's
     * user (refused when there is none) and its chat memory id ({@code memoryIdOf}) as the session.
     * {@code described} names the call in the error when the user mapping gives no user.
     */
    final Function<K, Scope> sessions(Function<K, Object> memoryIdOf, Function<K, Object> described) {
        if (scopeOf != null) {
            return scopeOf;
        }
        if (userOf == null) {
            throw new InvalidInputException("userId", "is required: set userId(...) or scopeOf(...)");
        }
        Function<K, String> users = userOf;
        String t = tenant;
        Scope.tenant(t); // validates the tenant now, not at the first call
        return k -> new Scope(t, ConversationScopes.user(users.apply(k), described.apply(k)), null,
                ConversationScopes.sessionId(memoryIdOf.apply(k)));
    }

    /** {@code value}, refused unless it is in {@code min..max}, naming the setting. */
    static int inRange(String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException(setting, "must be in " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
