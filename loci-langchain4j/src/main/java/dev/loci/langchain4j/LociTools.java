package dev.loci.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.LociException;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Tools with which the model manages the user's long-term memory itself: search it, remember a
 * fact, forget a memory. Register an instance with {@code AiServices.builder(...).tools(tools)}:
 *
 * <pre>{@code
 * LociTools tools = LociTools.builder().loci(loci).tenant("acme").userId("maya").build();
 * }</pre>
 *
 * <p>Each tool works within the user of the conversation it is called from: the chat memory id
 * LangChain4j passes in ({@link ToolMemoryId}) is mapped to a scope as by
 * {@link LociChatMemoryStore}; search and forget cover all of the user's sessions, and a fact is
 * remembered for the user, outside any one conversation (deleting the conversation keeps it). Answers are short plain text for the model, errors included (a
 * tool that throws would end the model's turn): bad input reads {@code Error: ...}.
 *
 * <p>Thread-safe.
 */
public final class LociTools {
    /** Memories {@link #searchMemories} lists when no other number is set. */
    public static final int DEFAULT_MAX_RESULTS = 5;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final Loci loci;
    private final ConversationScopes scopes;
    private final int maxResults;

    private LociTools(Builder b) {
        this.loci = b.requiredLoci();
        this.scopes = ConversationScopes.of(b.sessions(id -> id, id -> id));
        this.maxResults = b.maxResults;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Tool("Searches what the user said or was told in earlier conversations. Returns one memory per "
            + "line as [id] (date) text, best match first, or 'No memories found.'")
    public String searchMemories(@ToolMemoryId Object memoryId,
                                 @P(name = "query", value = "what to look for, in the user's words") String query) {
        if (query == null || query.isBlank()) {
            return "Error: query must not be blank.";
        }
        try {
            List<Recalled> found = loci.recall(scopes.user(memoryId), RecallQuery.of(query).withK(maxResults + 2))
                    .results().stream().filter(r -> !ChatMessages.SYSTEM.equals(r.memory().role()))
                    .limit(maxResults).toList();
            if (found.isEmpty()) {
                return "No memories found.";
            }
            StringBuilder out = new StringBuilder();
            for (Recalled r : found) {
                Memory m = r.memory();
                out.append('[').append(m.id()).append("] (").append(DAY.format(m.occurredAt())).append(") ")
                        .append(m.text().replace('\n', ' ')).append('\n');
            }
            return out.toString().strip();
        } catch (InvalidInputException e) {
            return "Error: " + e.getMessage();
        }
    }

    @Tool("Remembers a fact about the user for later conversations, e.g. 'The user is allergic to "
            + "peanuts'. Remembering the same fact again changes nothing. Returns the memory's id.")
    public String rememberFact(@ToolMemoryId Object memoryId,
                               @P(name = "fact", value = "the fact, as one self-contained sentence") String fact) {
        if (fact == null || fact.isBlank()) {
            return "Error: fact must not be blank.";
        }
        try {
            Scope scope = scopes.user(memoryId);
            String text = fact.strip();
            var r = loci.remember(scope, List.of(new Message(ChatMessages.USER, null, text, null,
                    "lc4j-fact-" + digest(text), Map.of("source", "tool"))));
            return (r.added() == 1 ? "Remembered as " : "Already remembered as ") + r.ids().getFirst() + ".";
        } catch (InvalidInputException e) {
            return "Error: " + e.getMessage();
        }
    }

    @Tool("Forgets one memory of the user for good, by the id that searchMemories showed in brackets.")
    public String forgetMemory(@ToolMemoryId Object memoryId, @P(name = "id", value = "the memory's id, as shown in brackets") String id) {
        if (id == null || id.isBlank()) {
            return "Error: id must not be blank.";
        }
        try {
            return loci.forget(scopes.user(memoryId), id.strip()) ? "Forgotten." : "No memory with id " + id + ".";
        } catch (InvalidInputException e) {
            return "Error: " + e.getMessage();
        }
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new LociException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Builds {@link LociTools}. {@link #loci(Loci)} and a user are required. Not thread-safe. */
    public static final class Builder extends ScopedBuilder<Builder, Object> {
        private int maxResults = DEFAULT_MAX_RESULTS;

        private Builder() {
        }

        /** How many memories a search lists, 1..50; default 5. */
        public Builder maxResults(int n) {
            this.maxResults = inRange("maxResults", n, 1, 50);
            return this;
        }

        public LociTools build() {
            return new LociTools(this);
        }
    }
}
