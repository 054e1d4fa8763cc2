package dev.loci.springai;

import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.RememberResult;
import dev.loci.Scope;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * Tools that let the model manage the user's memory on its own: search it, remember a fact, forget a
 * memory. Register with {@code ChatClient.prompt().tools(new LociTools(...))} (or
 * {@code defaultTools}). The user comes from the tool context entry {@link LociMemoryAdvisor#USER_ID}
 * ({@code .toolContext(Map.of(LociMemoryAdvisor.USER_ID, "alice"))}), else the fixed one; a model can
 * only reach that user's memories. Results are plain text the model reads. Thread-safe.
 */
public final class LociTools {
    private static final int MAX_RESULTS = 20;

    private final Loci loci;
    private final UserScopes scopes;
    private final Clock clock;

    /** Tools over the tenant's memories of the user named per call in the tool context. */
    public LociTools(Loci loci, String tenant) {
        this(loci, tenant, null);
    }

    /** Tools over the memories of {@code userId} (unless the tool context names another user). */
    public LociTools(Loci loci, String tenant, String userId) {
        this(loci, UserScopes.defaults().withTenant(tenant).withUserId(userId), Clock.systemUTC());
    }

    LociTools(Loci loci, UserScopes scopes, Clock clock) {
        this.loci = Objects.requireNonNull(loci, "loci");
        this.scopes = scopes;
        this.clock = clock;
    }

    @Tool(name = "search_memories", description = """
            Searches what you remember about the user from all earlier conversations. Returns the best \
            matches, each with its memory id, date, speaker and text.""")
    public String searchMemories(
            @ToolParam(description = "What to look for, in words, e.g. 'where does the user live'") String query,
            @ToolParam(required = false, description = "How many results, 1..20 (default 5)") Integer limit,
            ToolContext context) {
        int k = limit == null ? 5 : limit;
        if (k < 1 || k > MAX_RESULTS) {
            throw new InvalidInputException("limit", "must be in 1.." + MAX_RESULTS + ", was " + k);
        }
        if (query == null || query.isBlank()) {
            throw new InvalidInputException("query", "must not be blank");
        }
        List<Recalled> found = loci.recall(user(context), RecallQuery.of(query).withK(k)).results();
        if (found.isEmpty()) {
            return "No memories match.";
        }
        StringBuilder out = new StringBuilder();
        for (Recalled r : found) {
            Memory m = r.memory();
            out.append("- [").append(m.id()).append("] ").append(m.occurredAt().toString(), 0, 10);
            if (m.speaker() != null) {
                out.append(", ").append(m.speaker());
            }
            out.append(": ").append(m.text()).append('\n');
        }
        return out.toString();
    }

    @Tool(name = "remember", description = """
            Stores a fact about the user for later conversations, e.g. a preference, a plan, a name. \
            Write it as one self-contained sentence. Returns the new memory's id.""")
    public String remember(
            @ToolParam(description = "The fact, e.g. 'The user is allergic to peanuts'") String fact,
            ToolContext context) {
        if (fact == null || fact.isBlank()) {
            throw new InvalidInputException("fact", "must not be blank");
        }
        Scope scope = user(context);
        RememberResult r = loci.remember(scope,
                List.of(new dev.loci.Message(null, null, fact, clock.instant(), null, Map.of())));
        return "Remembered as " + r.ids().getFirst() + ".";
    }

    @Tool(name = "forget_memory", description = """
            Deletes one memory of the user for good, by the id search_memories showed. Use it when the \
            user asks you to forget something or a memory is wrong.""")
    public String forget(@ToolParam(description = "The memory id") String memoryId, ToolContext context) {
        if (memoryId == null || memoryId.isBlank()) {
            throw new InvalidInputException("memoryId", "must not be blank");
        }
        return loci.forget(user(context), memoryId)
                ? "Forgotten: " + memoryId + "."
                : "No memory " + memoryId + " of this user; nothing was deleted.";
    }

    private Scope user(ToolContext context) {
        return scopes.user(context == null ? Map.of() : context.getContext());
    }
}
