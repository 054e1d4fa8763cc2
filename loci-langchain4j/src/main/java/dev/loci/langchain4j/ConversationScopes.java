package dev.loci.langchain4j;

import dev.loci.InvalidInputException;
import dev.loci.Scope;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a conversation's memories live in Loci: the chat memory id of LangChain4j (the value of an
 * AI service's {@code @MemoryId} parameter, "default" without one) mapped to a {@link Scope}. The
 * default mapping keeps a fixed tenant and user and makes the memory id the session, so each
 * conversation is a session of one user and recall across the user's sessions finds what was said
 * in the others. Immutable and thread-safe.
 */
final class ConversationScopes {
    private final Function<Object, Scope> mapping;

    private ConversationScopes(Function<Object, Scope> mapping) {
        this.mapping = mapping;
    }

    static ConversationScopes of(Function<Object, Scope> mapping) {
        return new ConversationScopes(Objects.requireNonNull(mapping, "scopeOf"));
    }

    /** The conversation's scope, session included. */
    Scope session(Object memoryId) {
        if (memoryId == null) {
            throw new InvalidInputException("memoryId", "is required (the chat memory id of the conversation)");
        }
        Scope scope = mapping.apply(memoryId);
        if (scope == null) {
            throw new InvalidInputException("memoryId", "maps to no scope: " + memoryId);
        }
        return scope;
    }

    /** The scope of the conversation's user, every session of theirs: what recall searches. */
    Scope user(Object memoryId) {
        Scope s = session(memoryId);
        return new Scope(s.tenant(), s.userId(), s.agentId(), null);
    }

    /** The user a mapping gave, refused when there is none: a scope without a user spans the whole tenant. */
    static String user(String user, Object from) {
        if (user == null) {
            throw new InvalidInputException("userId", "the user mapping gave no user for " + from);
        }
        return user;
    }

    static String sessionId(Object memoryId) {
        if (memoryId == null) {
            throw new InvalidInputException("memoryId", "is required (the chat memory id of the conversation)");
        }
        String s = memoryId.toString();
        if (s.isBlank()) {
            throw new InvalidInputException("memoryId", "must not be blank");
        }
        return s;
    }
}
