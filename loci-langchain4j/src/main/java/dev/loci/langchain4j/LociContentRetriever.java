package dev.loci.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.loci.ContextBlock;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A LangChain4j {@link ContentRetriever} that recalls from Loci what matters for the user's message:
 * what they said in any of their conversations, the facts and episodes Loci derived from it. Give
 * it to an AI service with {@code AiServices.builder(...).contentRetriever(retriever)} or to a
 * {@code DefaultRetrievalAugmentor}:
 *
 * <pre>{@code
 * ContentRetriever retriever = LociContentRetriever.builder().loci(loci).tenant("acme").userId("maya")
 *         .maxResults(5).build();
 * }</pre>
 *
 * <p><b>Whose memories.</b> The query's chat memory id ({@code Query.metadata().chatMemoryId()}, the
 * AI service's {@code @MemoryId}) is the conversation; the user is fixed or derived from the query
 * ({@link Builder#userId(Function)}); recall searches all of that user's sessions, or only the
 * current one with {@link Builder#currentSessionOnly(boolean)}. A query with no metadata (the
 * retriever called by hand) searches the user's memories with the memory id {@code default}.
 *
 * <p><b>Results.</b> Each {@link Content} holds the memory's text; its segment's metadata holds
 * {@code memory_id}, {@code kind}, {@code score}, {@code occurred_at} (ISO-8601), and
 * {@code role}, {@code speaker} and {@code session_id} when the memory has them; its content
 * metadata the score ({@link ContentMetadata#SCORE}) and memory id
 * ({@link ContentMetadata#EMBEDDING_ID}). System messages are never returned, nor a memory whose
 * text is already in the conversation's window (it is in the prompt anyway).
 *
 * <p><b>Or one budgeted block.</b> With {@link Builder#contextTokens(int)} the retriever returns a
 * single {@link Content}: Loci's context block for the message, the user's profile of current
 * facts first, then the most useful memories at falling fidelity, within that many tokens. Its
 * segment's metadata holds {@code kind} {@code CONTEXT}, {@code tokens} and {@code memory_ids}
 * (comma-separated ids of the memories it stands for). Nothing is left out of the block afterwards.
 *
 * <p>Pair it with {@code storeRetrievedContentInChatMemory(false)} on the AI service: otherwise the
 * chat memory keeps the user's message with the recalled memories pasted in, and remembers them
 * again as if the user had said them.
 *
 * <p>Thread-safe.
 */
public final class LociContentRetriever implements ContentRetriever {
    /** Results returned when no other number is set. */
    public static final int DEFAULT_MAX_RESULTS = 5;

    private final Loci loci;
    private final Function<Query, Scope> scopeOf;
    private final int maxResults;
    private final Set<Kind> kinds;
    private final double minScore;
    private final boolean currentSessionOnly;
    private final int contextTokens;

    private LociContentRetriever(Builder b) {
        this.loci = b.requiredLoci();
        this.scopeOf = b.sessions(LociContentRetriever::memoryId, q -> "the query " + q.text());
        this.maxResults = b.maxResults;
        this.kinds = b.kinds;
        this.minScore = b.minScore;
        this.currentSessionOnly = b.currentSessionOnly;
        this.contextTokens = b.contextTokens;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Content> retrieve(Query query) {
        if (query == null || query.text() == null || query.text().isBlank()) {
            throw new InvalidInputException("query.text", "must not be blank");
        }
        Scope session = scopeOf.apply(query);
        if (session == null) {
            throw new InvalidInputException("query", "maps to no scope: " + query.text());
        }
        Scope scope = currentSessionOnly ? session
                : new Scope(session.tenant(), session.userId(), session.agentId(), null);
        if (contextTokens > 0) {
            return block(scope, query.text());
        }
        Set<String> inWindow = windowTexts(query);
        // ask for a few more than wanted: system messages and memories already in the window are dropped
        int k = Math.min(RecallQuery.MAX_K, maxResults + inWindow.size() + 2);
        List<Content> out = new ArrayList<>(maxResults);
        for (Recalled r : loci.recall(scope, RecallQuery.of(query.text()).withK(k).withKinds(kinds)).results()) {
            Memory m = r.memory();
            if (out.size() == maxResults || r.score() < minScore) {
                break;
            }
            if (ChatMessages.SYSTEM.equals(m.role()) || inWindow.contains(m.text())) {
                continue;
            }
            out.add(content(r));
        }
        return out;
    }

    private List<Content> block(Scope scope, String text) {
        RecallQuery q = RecallQuery.of(text).withKinds(kinds);
        ContextBlock block = loci.context(scope, q, contextTokens);
        if (block.text().isBlank()) {
            return List.of();
        }
        String ids = block.items().stream().flatMap(i -> i.covers().stream()).distinct()
                .collect(Collectors.joining(","));
        Metadata md = new Metadata().put("kind", "CONTEXT").put("tokens", block.tokens()).put("memory_ids", ids);
        return List.of(Content.from(TextSegment.from(block.text(), md)));
    }

    private static Content content(Recalled r) {
        Memory m = r.memory();
        Metadata md = new Metadata().put("memory_id", m.id()).put("kind", m.kind().name())
                .put("score", r.score()).put("occurred_at", m.occurredAt().toString());
        if (m.role() != null) {
            md.put("role", m.role());
        }
        if (m.speaker() != null) {
            md.put("speaker", m.speaker());
        }
        if (m.scope().sessionId() != null) {
            md.put("session_id", m.scope().sessionId());
        }
        return Content.from(TextSegment.from(m.text(), md),
                Map.of(ContentMetadata.SCORE, r.score(), ContentMetadata.EMBEDDING_ID, m.id()));
    }

    private static Set<String> windowTexts(Query query) {
        Set<String> out = new HashSet<>();
        if (query.metadata() != null && query.metadata().chatMemory() != null) {
            for (ChatMessage m : query.metadata().chatMemory()) {
                ChatMessages.turn(m).ifPresent(t -> out.add(t.text()));
            }
        }
        return out;
    }

    private static Object memoryId(Query query) {
        Object id = query.metadata() == null ? null : query.metadata().chatMemoryId();
        return id == null ? "default" : id;
    }

    /** Builds a {@link LociContentRetriever}. {@link #loci(Loci)} and a user are required. Not thread-safe. */
    public static final class Builder extends ScopedBuilder<Builder, Query> {
        private int maxResults = DEFAULT_MAX_RESULTS;
        private Set<Kind> kinds = Set.of();
        private double minScore = 0;
        private boolean currentSessionOnly;
        private int contextTokens;

        private Builder() {
        }

        /** How many contents at most, 1..100; default 5. */
        public Builder maxResults(int n) {
            this.maxResults = inRange("maxResults", n, 1, 100);
            return this;
        }

        /**
         * Which kinds of memory to return; none (the default) means Loci's default: turns, and the
         * facts and episodes reached through them.
         */
        public Builder kinds(Set<Kind> k) {
            this.kinds = k == null || k.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(k));
            return this;
        }

        /**
         * Results scoring below this are left out; default 0 (none). The score is Loci's fused score
         * (0..2 with the default score fusion).
         */
        public Builder minScore(double s) {
            if (!(s >= 0 && Double.isFinite(s))) {
                throw new InvalidInputException("minScore", "must be a finite number >= 0, was " + s);
            }
            this.minScore = s;
            return this;
        }

        /** Recall from the current conversation only, not from all of the user's; default false. */
        public Builder currentSessionOnly(boolean on) {
            this.currentSessionOnly = on;
            return this;
        }

        /**
         * Return one content, Loci's context block within this many tokens (1..100,000), instead of
         * one content per memory; 0 (the default) for one per memory. {@link #maxResults} and
         * {@link #minScore} do not apply to the block.
         */
        public Builder contextTokens(int tokens) {
            this.contextTokens = inRange("contextTokens", tokens, 0, 100_000);
            return this;
        }

        public LociContentRetriever build() {
            return new LociContentRetriever(this);
        }
    }
}
