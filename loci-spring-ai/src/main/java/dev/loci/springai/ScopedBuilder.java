package dev.loci.springai;

import dev.loci.InvalidInputException;
import dev.loci.Loci;
import java.util.Objects;

/**
 * What the builders of the adapters share: the Loci they work on and the scopes of their calls
 * (tenant, fixed user, agent; see {@link UserScopes}). Setters validate at once. Not thread-safe.
 *
 * @param <B> the builder itself, returned by each setter
 */
abstract class ScopedBuilder<B extends ScopedBuilder<B>> {
    final Loci loci;
    UserScopes scopes = UserScopes.defaults();

    ScopedBuilder(Loci loci) {
        this.loci = Objects.requireNonNull(loci, "loci");
    }

    /** The Loci tenant, default {@code "default"}. */
    public B tenant(String tenant) {
        scopes = scopes.withTenant(tenant);
        return self();
    }

    /**
     * The user of calls that name none themselves (with the advisor param or tool context entry
     * {@link LociMemoryAdvisor#USER_ID}, or for a {@link LociChatMemoryRepository} its
     * {@code userOfConversation}); none by default.
     */
    public B userId(String userId) {
        scopes = scopes.withUserId(userId);
        return self();
    }

    /** The agent whose memory this is; none by default (the user's memory shared by all agents). */
    public B agentId(String agentId) {
        scopes = scopes.withAgentId(agentId);
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** {@code value}, refused unless it is in {@code min..max}, naming the setting. */
    static int inRange(String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException(setting, "must be in " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
