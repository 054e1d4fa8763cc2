package dev.loci.internal.ingest;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.ConsolidationConfig;
import dev.loci.IngestConfig;
import dev.loci.Memory;
import dev.loci.Message;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.internal.facts.FactPipeline;
import dev.loci.internal.hierarchy.EpisodeBuilder;
import dev.loci.internal.hierarchy.SessionTopicBuilder;
import dev.loci.internal.util.Importance;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.MemoryIds;
import dev.loci.internal.util.StripedLocks;
import dev.loci.internal.util.TextChecks;
import dev.loci.spi.Embedder;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SharedStore;
import dev.loci.spi.Statement;
import dev.loci.spi.StoredMemory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Ingest, top to bottom: validate every message before anything is written, give each an id
 * (derived from its client id when it has one), drop the ones already stored, embed the rest in
 * one batch, organise them (index keys, episodes: {@link EpisodeBuilder}), write turns and
 * episodes, with the facts read from the turns and the profile over them ({@link FactPipeline};
 * a failure there is logged and the turns are written without facts), to the store as one
 * atomic, durable batch, and hand the episodes, with their vectors,
 * to the {@link SessionTopicBuilder} that builds sessions and topics in the background. The latest turn
 * of each recent scope is kept in memory, so a call of one message still gets the turn before it
 * as its context key (after a restart, a scope's first call goes without). Thread-safe. Over a
 * {@link SharedStore} (several processes), the turns with client ids are claimed with a create-only
 * write before they are organised, so a message sent to two processes is stored once.
 */
public final class IngestPipeline {
    private static final System.Logger LOG = System.getLogger(IngestPipeline.class.getName());

    private final IngestConfig config;
    private final ConsolidationConfig consolidation;
    private final Embedder embedder;
    private final MemoryStore store;
    private final Clock clock;
    private final MemoryIds ids;
    /** Builds level 2 from the episodes written; null when level 2 is off. */
    private final SessionTopicBuilder consolidator;
    /** Expiry of messages that name none, from when they are remembered; null for none. */
    private final Duration timeToLive;
    /** Reads facts from the turns; null when facts are off. */
    private final FactPipeline facts;
    /** Held while facts are consolidated: the lock forgets and updates rewrite memories under. */
    private final ReentrantLock rewrites;
    private final StripedLocks clientIdLocks = new StripedLocks(1024);
    private final LastTurns lastTurns = new LastTurns(LAST_TURN_SCOPES);
    /** Scopes whose latest turn is kept for the next call's context key (least recently used go first). */
    static final int LAST_TURN_SCOPES = 10_000;

    /** Without facts. */
    public IngestPipeline(IngestConfig config, ConsolidationConfig consolidation, Embedder embedder, MemoryStore store,
                          Clock clock, MemoryIds ids, Duration timeToLive, SessionTopicBuilder consolidator) {
        this(config, consolidation, embedder, store, clock, ids, timeToLive, consolidator, null, new ReentrantLock());
    }

    /**
     * @param consolidator builds level 2 from the episodes written; null when level 2 is off
     * @param facts        reads facts from the turns and writes them with the turns; null when off
     * @param rewrites     the lock forgets and updates hold; facts are consolidated under it
     */
    public IngestPipeline(IngestConfig config, ConsolidationConfig consolidation, Embedder embedder, MemoryStore store,
                          Clock clock, MemoryIds ids, Duration timeToLive, SessionTopicBuilder consolidator,
                          FactPipeline facts, ReentrantLock rewrites) {
        this.facts = facts;
        this.rewrites = rewrites;
        this.timeToLive = timeToLive;
        this.consolidator = consolidator;
        this.config = config;
        this.consolidation = consolidation;
        this.embedder = embedder;
        this.store = store;
        this.clock = clock;
        this.ids = ids;
    }

    public RememberResult remember(Scope scope, List<Message> messages) {
        validate(scope, messages);
        Instant now = clock.instant();
        validateExpiry(messages, now);

        List<String> idPerMessage = new ArrayList<>(messages.size());
        List<Memory> fresh = new ArrayList<>();
        Map<String, Boolean> seenInBatch = new HashMap<>();
        int skipped = 0;
        List<String> clientKeyed = new ArrayList<>();
        for (Message msg : messages) {
            String id = msg.clientId() == null ? ids.next() : MemoryIds.forClientId(scope, msg.clientId());
            idPerMessage.add(id);
            if (msg.clientId() != null) {
                clientKeyed.add(id);
            }
        }
        Set<String> stored = clientKeyed.isEmpty() ? Set.of() : store.existing(scope.tenant(), clientKeyed);
        for (int i = 0; i < messages.size(); i++) {
            Message msg = messages.get(i);
            String id = idPerMessage.get(i);
            boolean duplicate = seenInBatch.putIfAbsent(id, Boolean.TRUE) != null || stored.contains(id);
            if (duplicate) {
                skipped++;
                continue;
            }
            fresh.add(withLifecycle(toMemory(id, scope, msg, now), msg, now));
        }

        if (fresh.isEmpty()) {
            return new RememberResult(idPerMessage, 0, skipped);
        }
        // Embed outside any lock (the slow part), then re-check and write under the ids' locks so
        // two callers remembering the same client ids at once store and count them once.
        List<Embedding> vectors = embedder.embedDocuments(fresh.stream().map(IndexKeys::embedText).toList());
        List<List<Statement>> statements = facts == null ? null : facts.read(fresh);
        List<Memory> kept = new ArrayList<>(fresh.size());
        List<Embedding> keptVectors = new ArrayList<>(fresh.size());
        List<List<Statement>> keptStatements = new ArrayList<>(fresh.size());
        List<StoredMemory> episodes = List.of();
        long forgets = 0;
        int[] stripes = clientIdLocks.stripesOf(scope.tenant(), fresh);
        clientIdLocks.lock(stripes);
        try {
            List<String> keyed = fresh.stream().filter(m -> m.clientId() != null).map(Memory::id).toList();
            Set<String> storedMeanwhile = keyed.isEmpty() ? Set.of() : store.existing(scope.tenant(), keyed);
            if (store instanceof SharedStore shared && !keyed.isEmpty()) {
                // Another process may be remembering the same client ids: the one whose create wins a
                // turn organises it; the others count it as already there.
                storedMeanwhile = claim(shared, fresh, vectors, storedMeanwhile);
            }
            for (int i = 0; i < fresh.size(); i++) {
                Memory m = fresh.get(i);
                if (storedMeanwhile.contains(m.id())) {
                    skipped++;
                    continue;
                }
                kept.add(m);
                keptVectors.add(vectors.get(i));
                keptStatements.add(statements == null ? List.of() : statements.get(i));
            }
            if (!kept.isEmpty()) {
                Memory previous = lastTurns.before(scope, kept.get(0));
                List<StoredMemory> batch = EpisodeBuilder.organise(scope, kept, keptVectors, consolidation, previous);
                forgets = consolidator == null ? 0 : consolidator.forgets();
                write(batch, kept, keptVectors, keptStatements, now);
                lastTurns.remember(scope, kept.get(kept.size() - 1));
                episodes = batch.stream().filter(m -> m.memory().kind() == Kind.EPISODE).toList();
            }
        } finally {
            clientIdLocks.unlock(stripes);
        }
        if (consolidator != null) {
            consolidator.submit(episodes, forgets); // durable already; sessions and topics follow in the background
        }
        return new RememberResult(idPerMessage, kept.size(), skipped);
    }

    /**
     * Creates the client-keyed turns not known to be stored (bare: their keys and episode link come
     * with the batch written next) and returns every id that is taken: the stored ones and those
     * another process created first.
     */
    private static Set<String> claim(SharedStore shared, List<Memory> fresh, List<Embedding> vectors, Set<String> stored) {
        List<StoredMemory> claims = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            Memory m = fresh.get(i);
            if (m.clientId() != null && !stored.contains(m.id())) {
                claims.add(new StoredMemory(m, vectors.get(i), IndexKeys.embedText(m)));
            }
        }
        if (claims.isEmpty()) {
            return stored;
        }
        Set<String> taken = new java.util.HashSet<>(stored);
        taken.addAll(shared.create(claims));
        return taken;
    }

    /** Writes turns and episodes, with the facts read from the turns, as one atomic batch. */
    private void write(List<StoredMemory> batch, List<Memory> turns, List<Embedding> vectors,
                       List<List<Statement>> statements, Instant now) {
        if (facts == null || !FactPipeline.any(statements)) {
            store.write(batch);
            return;
        }
        rewrites.lock();
        try {
            List<StoredMemory> all;
            try {
                all = facts.consolidate(batch, turns, vectors, statements, now);
            } catch (RuntimeException e) {
                // Facts are derived: a failure there must not cost the turns.
                LOG.log(System.Logger.Level.WARNING, "reading facts failed; the turns are stored without them", e);
                store.write(batch);
                return;
            }
            store.write(all);
            facts.rememberCurrentFacts(all);
        } finally {
            rewrites.unlock();
        }
    }

    private static Memory toMemory(String id, Scope scope, Message msg, Instant now) {
        Instant occurred = msg.timestamp() == null ? now : msg.timestamp();
        List<String> sources = msg.clientId() == null ? List.of() : List.of(msg.clientId());
        return Memory.builder().id(id).scope(scope).kind(Kind.TURN).text(msg.text()).role(msg.role())
                .speaker(msg.speaker()).occurredAt(occurred).recordedAt(now).validFrom(occurred)
                .clientId(msg.clientId()).sourceIds(sources).importance(Importance.DEFAULT).metadata(msg.metadata())
                .build();
    }

    /** Expiry and pinning as the message or, for expiry, the configured time to live says. */
    private Memory withLifecycle(Memory m, Message msg, Instant now) {
        Instant expires = msg.expiresAt() != null ? msg.expiresAt() : timeToLive == null ? null : now.plus(timeToLive);
        if (expires == null && !msg.pinned()) {
            return m;
        }
        return m.withLifecycle(Lifecycle.NONE.withExpiresAt(expires).withPinned(msg.pinned()));
    }

    /** An expiry must come after the message and after now: otherwise it would never be seen. */
    private static void validateExpiry(List<Message> messages, Instant now) {
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.expiresAt() == null) {
                continue;
            }
            if (!m.expiresAt().isAfter(now)) {
                throw new InvalidInputException("messages[" + i + "].expiresAt", "must be after now (" + now
                        + "), was " + m.expiresAt() + ": the memory would never be visible");
            }
            if (m.timestamp() != null && !m.expiresAt().isAfter(m.timestamp())) {
                throw new InvalidInputException("messages[" + i + "].expiresAt", "must be after the message's timestamp ("
                        + m.timestamp() + "), was " + m.expiresAt());
            }
        }
    }

    private void validate(Scope scope, List<Message> messages) {
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (messages == null) {
            throw new InvalidInputException("messages", "is required");
        }
        if (messages.size() > config.maxMessagesPerCall()) {
            throw new InvalidInputException("messages", "has " + messages.size() + " messages; at most "
                    + config.maxMessagesPerCall() + " per call (config.ingest.maxMessagesPerCall)");
        }
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String field = "messages[" + i + "]";
            if (m == null) {
                throw new InvalidInputException(field, "is null");
            }
            if (m.text() == null || m.text().isBlank()) {
                throw new InvalidInputException(field + ".text", "must not be empty");
            }
            if (m.text().length() > config.maxTextChars()) {
                throw new InvalidInputException(field + ".text", "is " + m.text().length()
                        + " characters; at most " + config.maxTextChars() + " allowed (config.ingest.maxTextChars)");
            }
            int bad = TextChecks.unpairedSurrogate(m.text());
            if (bad >= 0) {
                throw new InvalidInputException(field + ".text", "has an unpaired UTF-16 surrogate at index " + bad
                        + " (a character cut in half?); it cannot be stored faithfully");
            }
            if (m.clientId() != null && (m.clientId().isBlank() || m.clientId().length() > Scope.MAX_ID_LENGTH)) {
                throw new InvalidInputException(field + ".clientId",
                        "must be 1.." + Scope.MAX_ID_LENGTH + " non-blank characters");
            }
            for (var e : m.metadata().entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                    throw new InvalidInputException(field + ".metadata", "keys must be non-blank and values non-null");
                }
            }
        }
    }

    /**
     * Forgets the memory as the latest turn of its scope: it is about to be forgotten or its text
     * replaced, so it must not become the context key of a later turn.
     */
    public void forgetLastTurn(String tenant, String id) {
        lastTurns.forget(tenant, id);
    }

    /**
     * Forgets the latest turns of the scope and the scopes within it: memories of the scope are
     * about to be forgotten by a filter, so no turn cached for it may become the context key of a
     * later turn (the next call in such a scope goes without one).
     */
    public void forgetLastTurns(Scope scope) {
        lastTurns.forget(scope);
    }

    /** The latest turn remembered per scope, for the few thousand most recently used scopes. */
    static final class LastTurns {
        private final Map<Scope, Memory> byScope;

        LastTurns(int capacity) {
            this.byScope = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Scope, Memory> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** The latest turn remembered in this scope if it was said no later than {@code first}. */
        synchronized Memory before(Scope scope, Memory first) {
            Memory last = byScope.get(scope);
            return last != null && !last.occurredAt().isAfter(first.occurredAt()) ? last : null;
        }

        synchronized void forget(String tenant, String id) {
            byScope.values().removeIf(m -> m.id().equals(id) && m.scope().tenant().equals(tenant));
        }

        synchronized void forget(Scope scope) {
            byScope.keySet().removeIf(scope::covers);
        }

        synchronized void remember(Scope scope, Memory turn) {
            Memory last = byScope.get(scope);
            if (last == null || !turn.occurredAt().isBefore(last.occurredAt())) {
                byScope.put(scope, turn);
            }
        }
    }
}
