package dev.loci.engine;

import dev.loci.ConsolidationConfig;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.ForgettingConfig;
import dev.loci.InvalidInputException;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.LociConfig;
import dev.loci.LociException;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.MemoryPage;
import dev.loci.Message;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserPage;
import dev.loci.UserSummary;
import dev.loci.internal.context.ContextPipeline;
import dev.loci.internal.facts.FactPipeline;
import dev.loci.internal.facts.Supersession;
import dev.loci.internal.facts.extract.PatternExtractor;
import dev.loci.internal.hierarchy.EpisodeTails;
import dev.loci.internal.hierarchy.SessionTopicBuilder;
import dev.loci.internal.ingest.IngestPipeline;
import dev.loci.internal.lifecycle.ExpirySweeper;
import dev.loci.internal.lifecycle.ForgetPipeline;
import dev.loci.internal.lifecycle.RetentionPipeline;
import dev.loci.internal.lifecycle.UpdatePipeline;
import dev.loci.internal.recall.RecallPipeline;
import dev.loci.internal.util.Listings;
import dev.loci.internal.util.MemoryIds;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.Compactable;
import dev.loci.spi.Embedder;
import dev.loci.spi.Extractor;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoreStats;
import dev.loci.spi.TokenCounter;
import dev.loci.spi.UserListing;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded memory engine: {@link Loci} over an {@link Embedder} and a {@link MemoryStore},
 * with the pipelines that tie them together. Wire one with {@link #builder()} (the local defaults
 * come ready-wired from {@code dev.loci.embedded.EmbeddedLoci}).
 *
 * <p>Thread-safe: one instance serves any number of threads remembering and recalling at once.
 * Unless level 2 is off ({@link ConsolidationConfig#levels()}), one background daemon
 * thread, {@code loci-consolidator-N}, builds SESSION and TOPIC memories as episodes arrive
 * ({@link #awaitConsolidation(Duration)}). {@link #close()} stops it and closes the store and the
 * embedder the instance was built with.
 *
 * <p>Unless configured otherwise ({@link ForgettingConfig#sweepInterval()}), an instance
 * also runs one daemon thread that deletes expired memories every ten minutes; {@code close} stops it.
 */
public final class LociEngine implements Loci {
    /** {@link #stats()} detail: calls waiting for the background level-2 (session/topic) builder. */
    public static final String CONSOLIDATION_QUEUED = "consolidation.queued";
    /** {@link #stats()} details: the embedder's {@link Embedder#figures()}, each under this prefix. */
    public static final String EMBEDDER_PREFIX = "embedder.";
    /**
     * {@link #stats()} details, over a shared store: {@code writes.conflicts.<kind>}, the records of
     * that kind (turn, episode, session, topic, profile) whose conditional rewrite another process
     * made fail, and {@code writes.retries.<kind>}, the attempts redone after them.
     */
    public static final String WRITES_PREFIX = "writes.";
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
    /** Conditional rewrites other processes made fail, by kind (over a shared store). */
    private final WriteConflicts conflicts = new WriteConflicts();

    private LociEngine(Builder b) {
        this.config = b.config;
        this.embedder = b.embedder;
        this.clock = b.clock;
        this.store = b.store;
        this.consolidator = config.consolidation().buildsLevels()
                ? new SessionTopicBuilder(config.consolidation(), store, b.clock, conflicts) : null;
        var rewrites = new ReentrantLock();
        var facts = config.consolidation().facts() ? new FactPipeline(b.extractor,
                new Supersession(b.extractor, Supersession.Config.DEFAULTS), store, config.consolidation(), conflicts)
                : null;
        var tails = config.consolidation().episodes() ? new EpisodeTails(store, config.consolidation()) : null;
        this.ingest = new IngestPipeline(config.ingest(), config.consolidation(), embedder, store, b.clock,
                new MemoryIds(b.random), config.forgetting().timeToLive(), consolidator, facts, rewrites, tails);
        this.recall = new RecallPipeline(embedder, store, b.clock, config.forgetting().retention());
        this.context = new ContextPipeline(recall, store, b.tokenCounter);
        this.tokenCounter = b.tokenCounter;
        this.forget = new ForgetPipeline(config.consolidation(), embedder, store, rewrites, consolidator, facts,
                b.clock, tails, conflicts);
        this.update = new UpdatePipeline(config.consolidation(), embedder, store, b.clock, forget, rewrites,
                config.ingest().maxTextChars(), facts, conflicts);
        this.retention = new RetentionPipeline(config.forgetting(), config.consolidation(), embedder, store, b.clock,
                forget, rewrites);
        var interval = config.forgetting().sweepInterval();
        this.sweeper = interval == null ? null
                : new ExpirySweeper(retention, interval, closed::get, () -> ingest.closeTails(false));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public RememberResult remember(Scope scope, List<Message> messages) {
        ensureOpen();
        RememberResult result = ingest.remember(scope, messages);
        if (result.added() > 0) {
            retention.enforceCapacity(scope);
        }
        return result;
    }

    @Override
    public RecallResult recall(Scope scope, RecallQuery query) {
        return recall(scope, query, config.recall());
    }

    /** As {@link #recall(Scope, RecallQuery)} with other fusion settings for this call only. */
    public RecallResult recall(Scope scope, RecallQuery query, RecallConfig recallConfig) {
        ensureOpen();
        RecallResult result = recall.recall(scope, query, recallConfig);
        if (query.asOf() == null) {
            retention.reinforce(scope.tenant(), result.results().stream().map(r -> r.memory().id()).toList());
        }
        return result;
    }

    @Override
    public Optional<Memory> get(Scope scope, String id) {
        ensureOpen();
        requireId(scope, id);
        return store.get(scope.tenant(), id).filter(m -> scope.covers(m.scope()))
                .filter(m -> !m.lifecycle().expiredAt(clock.instant()));
    }

    @Override
    public MemoryPage list(Scope scope, ListQuery query) {
        ensureOpen();
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (query == null) {
            throw new InvalidInputException("query", "is required (ListQuery.of() for the newest memories)");
        }
        ListPosition after = query.cursor() == null ? null : Listings.position(query.cursor());
        Instant at = query.asOf() == null ? clock.instant() : query.asOf();
        var filter = new SearchFilter(scope, query.effectiveKinds(), query.timeRange(), query.metadata()).visibleAt(at);
        // One more than the page: a next cursor only when a next page has something.
        List<Memory> got = Listings.newestFirst(store, filter, after, query.limit() + 1);
        if (got.size() <= query.limit()) {
            return new MemoryPage(got, null);
        }
        List<Memory> page = got.subList(0, query.limit());
        return new MemoryPage(page, Listings.cursor(page.getLast()));
    }

    @Override
    public UserPage users(String tenant, String cursor, int limit) {
        ensureOpen();
        Scope whole = Scope.tenant(tenant); // validates the tenant
        if (limit < 1 || limit > UserPage.MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be in 1.." + UserPage.MAX_LIMIT + ", was " + limit);
        }
        if (!(store instanceof UserListing listing)) {
            throw new LociException("this store cannot list users (" + store.getClass().getSimpleName() + ")");
        }
        // One more than the page: a next cursor only when a next page has something. The store
        // counts each user's memories by kind and finds its newest visible one without loading them.
        List<UserSummary> got = listing.users(whole.tenant(), cursor, limit + 1, clock.instant());
        if (got.size() <= limit) {
            return new UserPage(got, null);
        }
        List<UserSummary> page = got.subList(0, limit);
        return new UserPage(page, page.getLast().userId());
    }

    @Override
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

    @Override
    public Optional<Memory> update(Scope scope, String id, String text) {
        ensureOpen();
        requireId(scope, id);
        ingest.forgetLastTurn(scope.tenant(), id); // the next call must not be keyed with the old text
        return update.update(scope, id, text);
    }

    @Override
    public List<Memory> history(Scope scope, String id) {
        ensureOpen();
        requireId(scope, id);
        return update.history(scope, id);
    }

    @Override
    public boolean forget(Scope scope, String id) {
        ensureOpen();
        requireId(scope, id);
        ingest.forgetLastTurn(scope.tenant(), id);
        return forget.forget(scope, id);
    }

    @Override
    public ForgetResult forget(Scope scope, MemoryFilter filter) {
        ensureOpen();
        requireScopeAndFilter(scope, filter);
        ingest.forgetLastTurns(scope);
        return forget.forget(scope, filter);
    }

    @Override
    public ForgetResult purge(Scope scope) {
        return forget(scope, MemoryFilter.all());
    }

    @Override
    public long count(Scope scope, MemoryFilter filter) {
        ensureOpen();
        requireScopeAndFilter(scope, filter);
        return forget.count(scope, filter);
    }

    @Override
    public void compact() {
        ensureOpen();
        if (store instanceof Compactable compactable) {
            compactable.compact();
        }
    }

    @Override
    public Optional<Memory> pin(Scope scope, String id, boolean pinned) {
        ensureOpen();
        requireId(scope, id);
        return retention.pin(scope, id, pinned);
    }

    @Override
    public long evictExpired() {
        ensureOpen();
        return retention.evictExpired(closed::get);
    }

    @Override
    public StoreStats stats() {
        ensureOpen();
        StoreStats stored = store.stats();
        var details = new java.util.TreeMap<>(stored.details());
        if (consolidator != null) {
            details.put(CONSOLIDATION_QUEUED, Integer.toString(consolidator.queued()));
        }
        embedder.figures().forEach((name, value) -> details.put(EMBEDDER_PREFIX + name, Long.toString(value)));
        if (store instanceof SharedStore) {
            conflicts.figures().forEach((name, value) -> details.put(WRITES_PREFIX + name, Long.toString(value)));
        }
        return new StoreStats(stored.memories(), stored.diskBytes(), details);
    }

    /** The configuration this instance runs with. */
    public LociConfig config() {
        return config;
    }

    /** The embedder this instance runs with (its model id, dimensions). */
    public Embedder embedder() {
        return embedder;
    }

    @Override
    public boolean awaitConsolidation(Duration timeout) {
        ensureOpen();
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidInputException("timeout", "must be a duration >= 0");
        }
        ingest.closeTails(true); // a flush: every conversation's open tail becomes episodes
        return awaitLevelTwo(timeout);
    }

    @Override
    public boolean awaitConsolidation(Scope scope, Duration timeout) {
        ensureOpen();
        if (scope == null) {
            throw new InvalidInputException("scope", "is required (a tenant at least)");
        }
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidInputException("timeout", "must be a duration >= 0");
        }
        ingest.closeTails(scope); // the conversations within the scope end here
        return awaitLevelTwo(timeout);
    }

    private boolean awaitLevelTwo(Duration timeout) {
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

    @Override
    public void awaitConsolidation() {
        awaitConsolidation(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (sweeper != null) {
                sweeper.close(); // before the store: a running sweep finishes its batch
            }
            try {
                closeTailsOnClose();
                if (consolidator != null) {
                    consolidator.close();
                }
                store.close();
            } finally {
                embedder.close();
            }
        }
    }

    /**
     * Closes the tails that have been idle for the episode gap (the sweep would have). Over a
     * {@link SharedStore}, every tail: no other process derives it from the store. Over a store of
     * this process alone, the other tails stay open and the next start continues them.
     */
    private void closeTailsOnClose() {
        try {
            ingest.closeTails(store instanceof SharedStore);
        } catch (RuntimeException e) {
            System.getLogger(LociEngine.class.getName()).log(System.Logger.Level.WARNING,
                    "closing open episode tails failed; their turns stay without an episode until their"
                            + " conversation continues", e);
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

    /** Assembles a {@link LociEngine}. Not thread-safe; build once. */
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

        /** Tokenizer for {@link LociEngine#context} budgets (default: a word count; the embedded engine uses cl100k). */
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

        public LociEngine build() {
            if (embedder == null) {
                throw new InvalidInputException("embedder", "is required");
            }
            if (store == null) {
                throw new InvalidInputException("store", "is required");
            }
            if (clock == null || random == null || config == null || tokenCounter == null) {
                throw new InvalidInputException("clock/random/config/tokenCounter", "must not be null");
            }
            return new LociEngine(this);
        }
    }
}
