package dev.loci.springai;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.retrieval.search.DocumentRetriever;

/**
 * Loci's recall as a {@link DocumentRetriever} for {@code RetrievalAugmentationAdvisor}: the query's
 * text is recalled over all of the user's conversations (the user from the query context's
 * {@link LociMemoryAdvisor#USER_ID}, else the fixed one), and each memory becomes a {@link Document}
 * with its id, text, score and metadata ({@code kind}, {@code occurredAt}, {@code sessionId},
 * {@code speaker}, {@code role}, and the memory's own metadata). Thread-safe.
 */
public final class LociDocumentRetriever implements DocumentRetriever {
    /** Document metadata keys. */
    public static final String KIND = "kind";
    public static final String OCCURRED_AT = "occurredAt";
    public static final String SESSION_ID = "sessionId";
    public static final String SPEAKER = "speaker";
    public static final String ROLE = "role";

    private final Loci loci;
    private final UserScopes scopes;
    private final int topK;
    private final Set<Kind> kinds;
    private final double minScore;

    private LociDocumentRetriever(Builder b) {
        this.loci = b.loci;
        this.scopes = b.scopes;
        this.topK = b.topK;
        this.kinds = b.kinds;
        this.minScore = b.minScore;
    }

    public static Builder builder(Loci loci) {
        return new Builder(loci);
    }

    @Override
    public List<Document> retrieve(Query query) {
        Objects.requireNonNull(query, "query");
        if (query.text() == null || query.text().isBlank()) {
            return List.of();
        }
        RecallQuery recall = RecallQuery.of(query.text()).withK(topK).withKinds(kinds);
        return loci.recall(scopes.user(query.context()), recall).results().stream()
                .filter(r -> r.score() >= minScore).map(LociDocumentRetriever::document).toList();
    }

    private static Document document(Recalled r) {
        Memory m = r.memory();
        Map<String, Object> metadata = new HashMap<>(m.metadata());
        metadata.put(KIND, m.kind().name());
        metadata.put(OCCURRED_AT, m.occurredAt().toString());
        putIfSet(metadata, SESSION_ID, m.scope().sessionId());
        putIfSet(metadata, SPEAKER, m.speaker());
        putIfSet(metadata, ROLE, m.role());
        return Document.builder().id(m.id()).text(m.text()).metadata(metadata).score(r.score()).build();
    }

    private static void putIfSet(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Configures a {@link LociDocumentRetriever}; setters validate at once. Not thread-safe. */
    public static final class Builder extends ScopedBuilder<Builder> {
        private int topK = 5;
        private Set<Kind> kinds = Set.of();
        private double minScore = 0;

        private Builder(Loci loci) {
            super(loci);
        }

        /** Documents per query, 1..{@value RecallQuery#MAX_K}, default 5. */
        public Builder topK(int k) {
            this.topK = inRange("topK", k, 1, RecallQuery.MAX_K);
            return this;
        }

        /** Kinds of memory to return; Loci's default (turns and chunks, reached through episodes) when empty. */
        public Builder kinds(Set<Kind> k) {
            this.kinds = k == null ? Set.of() : Set.copyOf(k);
            return this;
        }

        /** Leave out memories scoring below this (Loci's fused score, 0 and up), default 0. */
        public Builder minScore(double score) {
            if (!(score >= 0) || Double.isInfinite(score)) {
                throw new InvalidInputException("minScore", "must be a finite number >= 0, was " + score);
            }
            this.minScore = score;
            return this;
        }

        public LociDocumentRetriever build() {
            return new LociDocumentRetriever(this);
        }
    }
}
