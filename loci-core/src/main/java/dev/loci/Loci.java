package dev.loci;

import dev.loci.internal.context.ContextPipeline;
import dev.loci.internal.facts.FactPipeline;
import dev.loci.internal.facts.Supersession;
import dev.loci.internal.facts.extract.PatternExtractor;
import dev.loci.internal.hierarchy.SessionTopicBuilder;
import dev.loci.internal.ingest.IngestPipeline;
import dev.loci.internal.lifecycle.ExpirySweeper;
import dev.loci.internal.lifecycle.ForgetPipeline;
import dev.loci.internal.lifecycle.RetentionPipeline;
import dev.loci.internal.lifecycle.UpdatePipeline;
import dev.loci.internal.recall.RecallPipeline;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Compactable;
import dev.loci.spi.Embedder;
import dev.loci.spi.Extractor;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.StoreStats;
import dev.loci.spi.TokenCounter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory engine. Wire one with {@link #builder()} from an {@link Embedder} and a
 * {@link MemoryStore} (the embedded defaults come ready-wired from {@code dev.loci.embedded.EmbeddedLoci}).
 *
 * <p>Thread-safe: one instance serves any number of threads remembering and recalling at once.
 * Unless level 2 is off ({@link LociConfig.ConsolidationConfig#levels()}), one background daemon
 * thread, {@code loci-consolidator-N}, builds SESSION and TOPIC memories as episodes arrive
 * ({@link #awaitConsolidation(Duration)}). {@link #close()} stops it and closes the store and the
 * embedder the instance was built with.
 *
 * <p>Unless configured otherwise ({@link LociConfig.ForgettingConfig#sweepInterval()}), an instance
 * also runs one daemon thread that deletes expired memories every ten minutes; {@code close} stops it.
 */
public final class Loci implements AutoCloseable {
    private final LociConfig config;
    private final Embedder embedder;
    private final MemoryStore store;
    private final IngestPipeline ingest;
    private final RecallPipeline recall;
    private final ContextPipeline context;
    private final TokenCounter tokenCounter;
    private final ForgetPipeline forget;
    /** Builds sessions and topics in the background; null when they are off. */
    private final SessionTopicBuilder consolidator;
    private final UpdatePipeline update;
    private final RetentionPipeline retention;
    private final ExpirySweeper sweeper;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Loci(Builder b) {
        this.config = b.config;
        this.embedder = b.embedder;
        this.clock = b.clock;
        this.store = b.store;
        this.consolidator = config.consolidation().buildsLevels()
                ? new SessionTopicBuilder(config.consolidation(), store, b.clock) : null;
        var rewrites = new ReentrantLock();
        var facts = config.consolidation().facts() ? new FactPipeline(b.extractor,
                new Supersession(b.extractor, Supersession.Config.DEFAULTS), store, config.consolidation()) : null;
        this.ingest = new IngestPipeline(config.ingest(), config.consolidation(), embedder, store, b.clock,
                new MemoryIds(b.random), config.forgetting().timeToLive(), consolidator, facts, rewrites);
        this.recall = new RecallPipeline(embedder, store, b.clock, config.forgetting().retention());
        this.context = new ContextPipeline(recall, store, b.tokenCounter);
        this.tokenCounter = b.tokenCounter;
        this.forget = new ForgetPipeline(config.consolidation(), embedder, store, rewrites, consolidator, facts,
                b.clock);
        this.update = new UpdatePipeline(config.consolidation(), embedder, store, b.clock, forget, rewrites,
                config.ingest().maxTextChars(), facts);
        this.retention = new RetentionPipeline(config.forgetting(), config.consolidation(), embedder, store, b.clock,
                forget, rewrites);
        var interval = config.forgetting().sweepInterval();
        this.sweeper = interval == null ? null : new ExpirySweeper(retention, interval, closed::get);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Stores messages as TURN memories, durably: when this returns, they survive a crash.
     * All messages are validated first; if any is invalid nothing is written and an
     * {@link InvalidInputException} names it. Messages whose client id is already stored in the
     * same scope are skipped, so retrying a call is safe.
     *
     * <p>With a capacity set ({@link LociConfig.ForgettingConfig#maxMemoriesPerUser()}) and a user in
     * the scope, a call that takes the user past it then forgets the user's least retained unpinned
     * turns until the user is back at it (the new ones included: they are the best retained).
     */
    public RememberResult remember(Scope scope, List<Message> messages) {
        ensureOpen();
        RememberResult result = ingest.remember(scope, messages);
        if (result.added() > 0) {
            retention.enforceCapacity(scope);
        }
        return result;
    }

    /**
     * The best memories for the query within the scope, each with its per-signal scores. Each one
     * returned counts as recalled (unless {@link LociConfig.ForgettingConfig#reinforceOnRecall()} is
     * off, or the query looks at a past moment): its retention is reinforced.
     */
    public RecallResult recall(Scope scope, RecallQuery query) {
        return recall(scope, query, config.recall());
    }

    /** As {@link #recall(Scope, RecallQuery)} with other fusion settings for this call only. */
    public RecallResult recall(Scope scope, RecallQuery query, LociConfig.RecallConfig recallConfig) {
        ensureOpen();
        RecallResult result = recall.recall(scope, query, recallConfig);
        if (query.asOf() == null) {
            retention.reinforce(scope.tenant(), result.results().stream().map(r -> r.memory().id()).toList());
        }
        return result;
    }

    /**
     * The memory with this id, if it exists, lies within the scope and has not expired (an expired
     * memory is hidden at once, like from recall, though the sweep deletes it later). Superseded and
     * earlier versions are returned: {@link #history} lists them.
     */
    public Optional<Memory> get(Scope scope, String id) {
        ensureOpen();
        requireId(scope, id);
        return store.get(scope.tenant(), id).filter(m -> scope.covers(m.scope()))
                .filter(m -> !m.lifecycle().expiredAt(clock.instant()));
    }

    /**
     * A prompt-ready block of the memories most useful for {@code query}, within
     * {@code tokenBudget} tokens as the configured tokenizer counts them: the user's profile first
     * if there is one, then memories oldest first, at falling fidelity (full text, episode
     * summary, one-line placeholder) so the most relevant get the most room.
     */
    public ContextBlock context(Scope scope, String query, int tokenBudget) {
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        return context(scope, RecallQuery.of(query), tokenBudget);
    }

    /**
     * As {@link #context(Scope, String, int)}, with the query's filters applied to what is packed.
     * The memories the block stands for count as recalled, as for {@link #recall(Scope, RecallQuery)}.
     */
    public ContextBlock context(Scope scope, RecallQuery query, int tokenBudget) {
        ensureOpen();
        ContextBlock block = context.context(scope, query, tokenBudget, config.recall());
        if (query != null && query.asOf() == null) {
            retention.reinforce(scope.tenant(), block.items().stream().flatMap(i -> i.covers().stream()).toList());
        }
        return block;
    }

    /** The tokenizer that counts {@link #context} budgets. */
    public TokenCounter tokenCounter() {
        return tokenCounter;
    }

    /**
     * Replaces the memory's text with a new version, durably. The version it replaces stays in
     * {@link #history} with its validity interval (until now) and is still found by a recall as of
     * an earlier moment ({@link RecallQuery#withAsOf}); current recall sees only the new text.
     * What was derived from the old text (its episode's summary, the next turn's index keys) is
     * rebuilt. Updating to the same text changes nothing.
     *
     * @return the new current version, or empty when the scope holds no memory with this id
     * @throws InvalidInputException for blank or oversized text, a derived memory (episode,
     *                               session, profile: they follow their sources), or a version that
     *                               is no longer current
     */
    public Optional<Memory> update(Scope scope, String id, String text) {
        ensureOpen();
        requireId(scope, id);
        ingest.forgotten(scope.tenant(), id); // the next call must not be keyed with the old text
        return update.update(scope, id, text);
    }

    /**
     * Every version of the memory, oldest first: the statements it superseded (and their
     * versions), then its own earlier versions, then the current one. Each carries its
     * {@code validFrom} / {@code validTo}. Empty when the scope holds no memory with this id.
     */
    public List<Memory> history(Scope scope, String id) {
        ensureOpen();
        requireId(scope, id);
        return update.history(scope, id);
    }

    /**
     * Deletes the memory and its earlier versions durably; returns whether it existed within the
     * scope. What was derived
     * from it is repaired as by {@link #forget(Scope, MemoryFilter)}: a turn's episode is rebuilt
     * from its other turns (or removed if it was the last), an episode's turns lose their link.
     */
    public boolean forget(Scope scope, String id) {
        ensureOpen();
        requireId(scope, id);
        ingest.forgotten(scope.tenant(), id);
        return forget.forget(scope, id);
    }

    /**
     * Deletes, durably, every memory of the scope that the filter matches, and repairs what was
     * derived from them so that no record keeps their text: an episode that lost some of its turns
     * is rebuilt from the rest (summary, keyphrases, entities, index keys, vector), one that lost
     * all of them is deleted, and turns whose episode was deleted lose their link to it. SESSION
     * and TOPIC memories over a changed episode are rebuilt from the episodes that remain, or
     * deleted when none do (a user's topics span sessions, so purging one session rebuilds them).
     *
     * <p>Reads stop seeing the deleted memories at once. Their bytes may stay in the store's files
     * (a write-ahead log, index segments not merged yet) until {@link #compact()}.
     *
     * @param scope  whose memories; a user scope covers all of the user's sessions and agents
     * @param filter narrows the scope; {@link MemoryFilter#all()} for everything in it
     */
    public ForgetResult forget(Scope scope, MemoryFilter filter) {
        ensureOpen();
        requireScopeAndFilter(scope, filter);
        ingest.forgotten(scope);
        return forget.forget(scope, filter);
    }

    /**
     * Deletes every memory of the scope, derived ones included: for a user scope, all of the user's
     * sessions. Same as {@code forget(scope, MemoryFilter.all())}. To also remove every byte of
     * them from disk, call {@link #compact()} afterwards.
     */
    public ForgetResult purge(Scope scope) {
        return forget(scope, MemoryFilter.all());
    }

    /**
     * How many memories of the scope the filter matches: what {@link #forget(Scope, MemoryFilter)}
     * would delete, before repairs.
     */
    public long count(Scope scope, MemoryFilter filter) {
        ensureOpen();
        requireScopeAndFilter(scope, filter);
        return forget.count(scope, filter);
    }

    /**
     * Rewrites the store's files so that no byte of a forgotten or purged memory remains on disk
     * (for the embedded store: merges the index and drops the write-ahead log's old segments).
     * Slow on a big store, since it rewrites all of it: call it after a purge that must be physical,
     * not after every forget. Does nothing for a store whose deletes leave nothing behind.
     */
    public void compact() {
        ensureOpen();
        if (store instanceof Compactable compactable) {
            compactable.compact();
        }
    }

    /**
     * Sets or clears the pinned flag of a turn (or other level-0 memory): a pinned memory is never
     * evicted to make room under {@link LociConfig.ForgettingConfig#maxMemoriesPerUser()}; forget,
     * purge and expiry still delete it. Pinning at remember time: {@link Message#withPinned}.
     *
     * @return the memory as now stored, or empty when the scope holds no memory with this id
     * @throws InvalidInputException for a memory above level 0 (episodes follow their turns)
     */
    public Optional<Memory> pin(Scope scope, String id, boolean pinned) {
        ensureOpen();
        requireId(scope, id);
        return retention.pin(scope, id, pinned);
    }

    /**
     * Deletes every memory whose expiry has passed, in every tenant, and repairs what was derived
     * from them (as {@link #forget(Scope, String)} does); returns how many memories left the store.
     * Expired memories are hidden from recall, context and get from their expiry on; this removes
     * them. It also runs in the background every {@link LociConfig.ForgettingConfig#sweepInterval()}.
     */
    public long evictExpired() {
        ensureOpen();
        return retention.evictExpired(closed::get);
    }

    /** Size of the underlying store. */
    public StoreStats stats() {
        ensureOpen();
        return store.stats();
    }

    /** The configuration this instance runs with. */
    public LociConfig config() {
        return config;
    }

    /** The embedder this instance runs with (its model id, dimensions). */
    public Embedder embedder() {
        return embedder;
    }

    /**
     * Waits until the SESSION and TOPIC memories reflect every remember call that returned before
     * this call. They are built in the background ({@link LociConfig.ConsolidationConfig#levels()}),
     * so right after a remember recall already sees its turns and episodes but maybe not yet the
     * level-2 memories over them. For tests, evaluation and batch imports; an agent need not wait.
     *
     * @return false if {@code timeout} passed first; true at once when level 2 is off
     * @throws LociException if the waiting thread is interrupted (its interrupt flag is kept)
     */
    public boolean awaitConsolidation(Duration timeout) {
        ensureOpen();
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidInputException("timeout", "must be a duration >= 0");
        }
        if (consolidator == null) {
            return true;
        }
        try {
            return consolidator.await(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LociException("interrupted while waiting for consolidation", e);
        }
    }

    /** As {@link #awaitConsolidation(Duration)}, without a time limit. */
    public void awaitConsolidation() {
        awaitConsolidation(Duration.ofSeconds(Long.MAX_VALUE));
    }

    /**
     * Closes the store and the embedder this instance was built with. Level 2 work still queued is
     * finished first (for a bounded time); what remains is built when its session or user next
     * gets episodes, as after a crash. Turns and episodes are durable already either way.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (sweeper != null) {
                sweeper.close(); // before the store: a running sweep finishes its batch
            }
            try {
                if (consolidator != null) {
                    consolidator.close();
                }
                store.close();
            } finally {
                embedder.close();
            }
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new LociException("this Loci instance is closed");
        }
    }

    private static void requireScopeAndFilter(Scope scope, MemoryFilter filter) {
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (filter == null) {
            throw new InvalidInputException("filter", "is required (MemoryFilter.all() for the whole scope)");
        }
    }

    private static void requireId(Scope scope, String id) {
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("id", "must not be blank");
        }
    }

    /** Assembles a {@link Loci}. Not thread-safe; build once. */
    public static final class Builder {
        private Embedder embedder;
        private MemoryStore store;
        private Clock clock = Clock.systemUTC();
        private Random random = new SecureRandom();
        private LociConfig config = LociConfig.defaults();
        private TokenCounter tokenCounter = TokenCounter.words();
        private Extractor extractor = new PatternExtractor();

        private Builder() {
        }

        /** Tokenizer for {@link Loci#context} budgets (default: a word count; the embedded engine uses cl100k). */
        public Builder tokenCounter(TokenCounter t) {
            this.tokenCounter = t;
            return this;
        }

        /**
         * What reads facts from turns (default: English patterns, offline). Replace it with a
         * model-backed one to read more; it must be thread-safe.
         */
        public Builder extractor(Extractor e) {
            this.extractor = Objects.requireNonNull(e, "extractor");
            return this;
        }

        public Builder embedder(Embedder e) {
            this.embedder = e;
            return this;
        }

        public Builder store(MemoryStore s) {
            this.store = s;
            return this;
        }

        /** Clock for ingest times and "now"; tests pass a manual clock. */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** Random source for ids of messages without client id; seed it for repeatable ids. */
        public Builder random(Random r) {
            this.random = r;
            return this;
        }

        public Builder config(LociConfig c) {
            this.config = c;
            return this;
        }

        public Loci build() {
            if (embedder == null) {
                throw new InvalidInputException("embedder", "is required");
            }
            if (store == null) {
                throw new InvalidInputException("store", "is required");
            }
            if (clock == null || random == null || config == null || tokenCounter == null) {
                throw new InvalidInputException("clock/random/config/tokenCounter", "must not be null");
            }
            return new Loci(this);
        }
    }
}
