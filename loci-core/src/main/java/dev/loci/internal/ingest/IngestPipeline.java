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
import dev.loci.internal.hierarchy.EpisodeTails;
import dev.loci.internal.hierarchy.Primer;
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
 * one batch, organise them with their conversation's open tail (index keys; episodes:
 * {@link EpisodeBuilder} segments the scope's turns in no episode yet, kept by {@link EpisodeTails},
 * together with the new ones; episodes close where the topic shifts, after a silence of
 * {@link ConsolidationConfig#episodeGap()} or at their maximum length, and the rest stays open for
 * the next call, or until {@link #closeTails} closes it), write turns and episodes, with the facts read from the turns and the profile over them ({@link FactPipeline};
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
    /** The conversations' open episode tails; null when episodes are off. */
    private final EpisodeTails tails;
    private final StripedLocks clientIdLocks = new StripedLocks(1024);
    private final LastTurns lastTurns = new LastTurns(LAST_TURN_SCOPES);
    /** Scopes whose latest turn is kept for the next call's context key (least recently used go first). */
    static final int LAST_TURN_SCOPES = 10_000;

    /**
     * @param consolidator builds level 2 from the episodes written; null when level 2 is off
     * @param facts        reads facts from the turns and writes them with the turns; null when off
     * @param rewrites     the lock forgets and updates hold; facts are consolidated under it, and
     *                     turns of an open tail are written again under it
     * @param tails        the conversations' open episode tails; null when episodes are off
     */
    public IngestPipeline(IngestConfig config, ConsolidationConfig consolidation, Embedder embedder, MemoryStore store,
                          Clock clock, MemoryIds ids, Duration timeToLive, SessionTopicBuilder consolidator,
                          FactPipeline facts, ReentrantLock rewrites, EpisodeTails tails) {
        this.tails = tails;
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
        // One conversation at a time: its open tail is read, continued and written back as a whole.
        ReentrantLock conversation = tails == null ? null : tails.lockOf(scope);
        if (conversation != null) {
            conversation.lock();
        }
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
                forgets = consolidator == null ? 0 : consolidator.forgets();
                episodes = tails == null ? writeFlat(scope, kept, keptVectors, keptStatements, now)
                        : writeWithTail(scope, kept, keptVectors, keptStatements, now);
                lastTurns.remember(scope, kept.get(kept.size() - 1));
            }
        } finally {
            clientIdLocks.unlock(stripes);
            if (conversation != null) {
                conversation.unlock();
            }
        }
        if (consolidator != null) {
            consolidator.submit(episodes, forgets); // durable already; sessions and topics follow in the background
        }
        if (tails != null) {
            for (EpisodeTails.Evicted e : tails.evicted()) {
                closeEvicted(e);
            }
        }
        return new RememberResult(idPerMessage, kept.size(), skipped);
    }

    /** Episodes off: the turns are written keyed, each on its own. */
    private List<StoredMemory> writeFlat(Scope scope, List<Memory> kept, List<Embedding> vectors,
                                        List<List<Statement>> statements, Instant now) {
        List<StoredMemory> turns = keyed(kept, vectors, lastTurns.before(scope, kept.get(0)));
        write(turns, List.of(), kept, vectors, statements, now);
        return List.of();
    }

    /**
     * Continues the conversation's open tail with the call's turns: episodes close where the
     * segmenter says, the rest stays open. Writing turns of the tail again (an episode took them)
     * is done under the rewrite lock, on the tail as the store holds it then, so no forget, update
     * or pin in between is undone. Returns the episodes written.
     */
    private List<StoredMemory> writeWithTail(Scope scope, List<Memory> kept, List<Embedding> vectors,
                                             List<List<Statement>> statements, Instant now) {
        long generation = tails.generation();
        List<StoredMemory> tail = tails.tail(scope);
        Memory previous = lastTurns.before(scope, kept.get(0));
        if (previous == null && !tail.isEmpty()
                && !tail.getLast().memory().occurredAt().isAfter(kept.get(0).occurredAt())) {
            previous = tail.getLast().memory(); // after a restart: the tail read from the store
        }
        List<StoredMemory> turns = keyed(kept, vectors, previous);
        // A call that opens a conversation with a chunk of at least an episode's length (a session
        // remembered in one call) is organised as a whole, its last episode too, as it always was.
        boolean whole = tail.isEmpty() && kept.size() >= consolidation.minEpisodeTurns();
        Memory before = tail.isEmpty() ? previous : tails.before(scope);
        var organised = EpisodeBuilder.organise(scope, tail, turns, consolidation, whole, before, tails.primer(scope));
        if (organised.adopted().isEmpty()) {
            write(organised.records(), List.of(), kept, vectors, statements, now);
        } else {
            rewrites.lock();
            try {
                // The turns an episode takes are written again: as stored now (nothing rewrites them
                // while the lock is held). In the steady state nothing touched them since the tail
                // was read, and the tail kept in memory is what the store holds: nothing is read.
                if (tails.changedSince(scope, generation)) {
                    tail = tails.reload(scope);
                    generation = tails.generation();
                    whole = tail.isEmpty() && kept.size() >= consolidation.minEpisodeTurns();
                    before = tail.isEmpty() ? previous : tails.before(scope);
                    organised = EpisodeBuilder.organise(scope, tail, turns, consolidation, whole, before,
                            tails.primer(scope));
                }
                write(withoutAdopted(organised), organised.adopted(), kept, vectors, statements, now);
            } finally {
                rewrites.unlock();
            }
        }
        tails.put(scope, organised.open(), before(organised, tail, before), organised.primer(), generation,
                clock.instant());
        return organised.episodes();
    }

    private static List<StoredMemory> withoutAdopted(EpisodeBuilder.Organised o) {
        var out = new ArrayList<StoredMemory>(o.turns().size() + o.episodes().size());
        out.addAll(o.turns());
        out.addAll(o.episodes());
        return out;
    }

    /** The turn said just before the open tail's first turn ({@code before}: the one before {@code tail}). */
    private static Memory before(EpisodeBuilder.Organised o, List<StoredMemory> tail, Memory before) {
        if (o.open().isEmpty()) {
            return o.turns().isEmpty() ? null : o.turns().getLast().memory();
        }
        String first = o.open().getFirst().memory().id();
        Memory prior = before;
        for (StoredMemory m : concat(tail, o.turns())) {
            if (m.memory().id().equals(first)) {
                return prior;
            }
            prior = m.memory();
        }
        return prior;
    }

    private static List<StoredMemory> concat(List<StoredMemory> a, List<StoredMemory> b) {
        var out = new ArrayList<StoredMemory>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    private List<StoredMemory> keyed(List<Memory> turns, List<Embedding> vectors, Memory previous) {
        List<String> keys = IndexKeys.keys(turns, consolidation, previous);
        var out = new ArrayList<StoredMemory>(turns.size());
        for (int i = 0; i < turns.size(); i++) {
            out.add(new StoredMemory(turns.get(i), vectors.get(i), keys.get(i)));
        }
        return out;
    }

    /**
     * Closes the open tails into episodes, whatever their length: every tail when {@code all} (a
     * flush: {@code awaitConsolidation}), else those no turn has arrived in for
     * {@link ConsolidationConfig#episodeGap()} (the periodic sweep). Returns how many it closed.
     */
    public int closeTails(boolean all) {
        if (tails == null) {
            return 0;
        }
        Instant idleBefore = all ? null : clock.instant().minus(consolidation.episodeGap());
        int closed = 0;
        for (Scope scope : tails.open(idleBefore)) {
            closed += closeTail(scope, idleBefore) ? 1 : 0;
        }
        return closed;
    }

    /** Closes the open tails of the conversations {@code within} covers (a flush of those only); how many it closed. */
    public int closeTails(Scope within) {
        if (tails == null) {
            return 0;
        }
        int closed = 0;
        for (Scope scope : tails.open(null)) {
            if (within.covers(scope)) {
                closed += closeTail(scope, null) ? 1 : 0;
            }
        }
        return closed;
    }

    private boolean closeTail(Scope scope, Instant idleBefore) {
        Closing closing;
        ReentrantLock conversation = tails.lockOf(scope);
        conversation.lock();
        try {
            rewrites.lock();
            try {
                if (!tails.isOpen(scope, idleBefore)) {
                    return false; // closed meanwhile, or a turn arrived
                }
                List<StoredMemory> tail = tails.reload(scope);
                closing = organiseWhole(scope, tail, tails.before(scope), tails.primer(scope));
                Memory last = tail.isEmpty() ? tails.before(scope) : tail.getLast().memory();
                tails.put(scope, List.of(), last, closing.organised().primer(), tails.generation(), clock.instant());
            } finally {
                rewrites.unlock();
            }
        } finally {
            conversation.unlock();
        }
        toLevelTwo(closing);
        return !closing.organised().episodes().isEmpty();
    }

    /** A tail pushed out of memory over a shared store: closed now, since nothing would reload it. */
    private void closeEvicted(EpisodeTails.Evicted evicted) {
        Closing closing;
        ReentrantLock conversation = tails.lockOf(evicted.scope());
        conversation.lock();
        try {
            rewrites.lock();
            try {
                closing = organiseWhole(evicted.scope(), tails.reload(evicted), evicted.before(), evicted.primer());
            } finally {
                rewrites.unlock();
            }
        } finally {
            conversation.unlock();
        }
        toLevelTwo(closing);
    }

    /** A whole tail organised into episodes, and the forget count read before they were written. */
    private record Closing(EpisodeBuilder.Organised organised, long forgets) {
    }

    /**
     * Organises a whole tail into episodes, the last one included, and writes the turns they take
     * with the episodes; the caller holds the conversation's lock and the rewrite lock.
     */
    private Closing organiseWhole(Scope scope, List<StoredMemory> tail, Memory before, Primer primer) {
        long forgets = consolidator == null ? 0 : consolidator.forgets();
        var organised = EpisodeBuilder.organise(scope, tail, List.of(), consolidation, true, before, primer);
        if (!organised.adopted().isEmpty()) {
            store.write(organised.records());
        }
        return new Closing(organised, forgets);
    }

    /** Hands a closing's episodes to the session/topic builder, after the locks are released. */
    private void toLevelTwo(Closing closing) {
        if (consolidator != null) {
            consolidator.submit(closing.organised().episodes(), closing.forgets());
        }
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

    /**
     * Writes turns and episodes, with the facts read from the turns, as one atomic batch; with
     * them the {@code adopted} turns of the open tail, linked to their new episode (keeping a
     * supersession link the facts give them in this call).
     */
    private void write(List<StoredMemory> batch, List<StoredMemory> adopted, List<Memory> turns,
                       List<Embedding> vectors, List<List<Statement>> statements, Instant now) {
        if (facts == null || !FactPipeline.any(statements)) {
            store.write(concat(batch, adopted));
            if (facts != null && facts.shared()) {
                // another server may have stored facts of these users without their profile: settle them now
                rewrites.lock();
                try {
                    facts.settleIfUnsettled(turns, now);
                } finally {
                    rewrites.unlock();
                }
            }
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
                store.write(concat(batch, adopted));
                return;
            }
            all = withAdopted(all, adopted);
            relinked(all, batch, adopted);
            store.write(all);
            facts.rememberCurrentFacts(all);
        } finally {
            rewrites.unlock();
        }
    }

    /**
     * Turns the facts rewrite with a supersession link may lie in an open tail: turns stored
     * before this call (of this conversation or another of the user's), and the call's own turns,
     * which may stay open. Those tails are marked stale, so the link is never undone when an
     * episode later takes the turn from the tail kept in memory. The caller holds the rewrite lock.
     */
    private void relinked(List<StoredMemory> all, List<StoredMemory> batch, List<StoredMemory> adopted) {
        if (tails == null) {
            return;
        }
        Map<String, Memory> ours = new HashMap<>();
        batch.forEach(r -> ours.put(r.memory().id(), r.memory()));
        adopted.forEach(r -> ours.put(r.memory().id(), r.memory()));
        all.stream().map(StoredMemory::memory).filter(m -> m.kind() == Kind.TURN && !m.equals(ours.get(m.id())))
                .map(Memory::scope).distinct().forEach(tails::invalidate);
    }

    /** {@code all} with the adopted turns: a turn the facts rewrote (a link) takes its episode link there. */
    private static List<StoredMemory> withAdopted(List<StoredMemory> all, List<StoredMemory> adopted) {
        if (adopted.isEmpty()) {
            return all;
        }
        var byId = new LinkedHashMap<String, StoredMemory>();
        adopted.forEach(a -> byId.put(a.memory().id(), a));
        var out = new ArrayList<StoredMemory>(all.size() + adopted.size());
        for (StoredMemory r : all) {
            StoredMemory a = byId.remove(r.memory().id());
            out.add(a == null ? r : new StoredMemory(EpisodeBuilder.withParent(r.memory(), a.memory().parentId()),
                    a.embedding(), a.indexText()));
        }
        out.addAll(byId.values());
        return out;
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
