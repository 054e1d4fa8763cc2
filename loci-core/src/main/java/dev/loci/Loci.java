package dev.loci;

import dev.loci.spi.StoreStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Long-term memory for an agent: remember what happened, recall what matters, keep it current,
 * forget on request. The six operations of the memory literature map onto these methods:
 * indexing ({@link #remember}), retrieval ({@link #recall}), consolidation (done as messages
 * arrive; {@link #awaitConsolidation(Duration)}), updating ({@link #update}, {@link #history}),
 * forgetting ({@link #forget(Scope, String)}, {@link #purge}, {@link #evictExpired()}) and
 * compression ({@link #context(Scope, String, int)}).
 *
 * <p>The embedded engine ({@code dev.loci.engine.LociEngine}, opened on local defaults by
 * {@code dev.loci.embedded.EmbeddedLoci}) is one implementation; a client of a remote Loci server
 * is another. Code written against this interface runs against either.
 *
 * <p>Implementations are thread-safe: share one instance between threads. Errors are
 * {@link LociException}s: {@link InvalidInputException} names the argument at fault;
 * {@link StorageException} says whether retrying may help.
 */
public interface Loci extends AutoCloseable {
    /**
     * Stores messages as TURN memories, durably: when this returns, they survive a crash.
     * All messages are validated first; if any is invalid nothing is written and an
     * {@link InvalidInputException} names it. Messages whose client id is already stored in the
     * same scope are skipped, so retrying a call is safe.
     *
     * <p>With a capacity set ({@link ForgettingConfig#maxMemoriesPerUser()}) and a user in
     * the scope, a call that takes the user past it then forgets the user's least retained unpinned
     * turns until the user is back at it (the new ones included: they are the best retained).
     */
    RememberResult remember(Scope scope, List<Message> messages);

    /**
     * The best memories for the query within the scope, each with its per-signal scores. Each one
     * returned counts as recalled (unless {@link ForgettingConfig#reinforceOnRecall()} is
     * off, or the query looks at a past moment): its retention is reinforced.
     */
    RecallResult recall(Scope scope, RecallQuery query);

    /**
     * The memory with this id, if it exists, lies within the scope and has not expired (an expired
     * memory is hidden at once, like from recall, though the sweep deletes it later). Superseded and
     * earlier versions are returned: {@link #history} lists them.
     */
    Optional<Memory> get(Scope scope, String id);

    /**
     * The scope's memories, newest first by when they happened, a page at a time: what Mem0 calls
     * {@code get_all}, and the way to read a session's latest turns. Only what a recall sees is
     * listed: current versions (earlier ones and superseded statements as of
     * {@link ListQuery#asOf()} only), nothing expired. Listing reads; it embeds nothing and does not
     * count as recalling.
     *
     * <p>Paging is stable while writes happen: a cursor names the last memory of its page, so the
     * next page starts right after it whatever was stored, updated or forgotten since; a memory stored
     * later at a later time shows up on a new first page, never on the following pages.
     *
     * @throws InvalidInputException for a cursor no listing returned
     */
    MemoryPage list(Scope scope, ListQuery query);

    /**
     * The tenant's users (those with a memory stored), ascending by id, a page at a time, each with
     * how many memories they have of each kind and when the newest one a read sees happened. Reads
     * only; it does not count as recalling. Cost: what the store's {@code UserListing} needs,
     * without loading a memory (index term counts and one sorted top-1 read per user, or one
     * aggregation per page).
     *
     * @param tenant the tenant
     * @param cursor null for the first page, else a {@link UserPage#nextCursor()}
     * @param limit  users per page, 1..{@value UserPage#MAX_LIMIT}
     * @throws InvalidInputException for a missing tenant or a limit out of range
     * @throws LociException         when the store cannot list users
     */
    UserPage users(String tenant, String cursor, int limit);

    /**
     * A prompt-ready block of the memories most useful for {@code query}, within
     * {@code tokenBudget} tokens as the configured tokenizer counts them: the user's profile first
     * if there is one, then memories oldest first, at falling fidelity (full text, episode
     * summary, one-line placeholder) so the most relevant get the most room.
     */
    default ContextBlock context(Scope scope, String query, int tokenBudget) {
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        return context(scope, RecallQuery.of(query), tokenBudget);
    }

    /**
     * As {@link #context(Scope, String, int)}, with the query's filters applied to what is packed.
     * The memories the block stands for count as recalled, as for {@link #recall(Scope, RecallQuery)}.
     */
    ContextBlock context(Scope scope, RecallQuery query, int tokenBudget);

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
    Optional<Memory> update(Scope scope, String id, String text);

    /**
     * Every version of the memory, oldest first: the statements it superseded (and their
     * versions), then its own earlier versions, then the current one. Each carries its
     * {@code validFrom} / {@code validTo}. Empty when the scope holds no memory with this id.
     */
    List<Memory> history(Scope scope, String id);

    /**
     * Deletes the memory and its earlier versions durably; returns whether it existed within the
     * scope. What was derived
     * from it is repaired as by {@link #forget(Scope, MemoryFilter)}: a turn's episode is rebuilt
     * from its other turns (or removed if it was the last), an episode's turns lose their link.
     */
    boolean forget(Scope scope, String id);

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
    ForgetResult forget(Scope scope, MemoryFilter filter);

    /**
     * Deletes every memory of the scope, derived ones included: for a user scope, all of the user's
     * sessions. Same as {@code forget(scope, MemoryFilter.all())}. To also remove every byte of
     * them from disk, call {@link #compact()} afterwards.
     */
    ForgetResult purge(Scope scope);

    /**
     * How many memories of the scope the filter matches: what {@link #forget(Scope, MemoryFilter)}
     * would delete, before repairs.
     */
    long count(Scope scope, MemoryFilter filter);

    /**
     * Rewrites the store's files so that no byte of a forgotten or purged memory remains on disk
     * (for the embedded store: merges the index and drops the write-ahead log's old segments).
     * Slow on a big store, since it rewrites all of it: call it after a purge that must be physical,
     * not after every forget. Does nothing for a store whose deletes leave nothing behind.
     */
    void compact();

    /**
     * Sets or clears the pinned flag of a turn (or other level-0 memory): a pinned memory is never
     * evicted to make room under {@link ForgettingConfig#maxMemoriesPerUser()}; forget,
     * purge and expiry still delete it. Pinning at remember time: {@link Message#withPinned}.
     *
     * @return the memory as now stored, or empty when the scope holds no memory with this id
     * @throws InvalidInputException for a memory above level 0 (episodes follow their turns)
     */
    Optional<Memory> pin(Scope scope, String id, boolean pinned);

    /**
     * Deletes every memory whose expiry has passed, in every tenant, and repairs what was derived
     * from them (as {@link #forget(Scope, String)} does); returns how many memories left the store.
     * Expired memories are hidden from recall, context and get from their expiry on; this removes
     * them. It also runs in the background every {@link ForgettingConfig#sweepInterval()}.
     */
    long evictExpired();

    /** Size of the underlying store. */
    StoreStats stats();

    /**
     * Closes every conversation's open episode tail, then waits until the SESSION and TOPIC
     * memories reflect every remember call that returned before this call. A conversation's latest
     * turns stay in no episode while the next remember call may continue their topic (until a
     * silence of {@link ConsolidationConfig#episodeGap()}, or the episode's maximum length); this
     * call closes them into episodes now, as when the conversation has ended. Level 2 is built in
     * the background ({@link ConsolidationConfig#levels()}), so right after a remember recall
     * already sees its turns and closed episodes but maybe not yet the level-2 memories over them.
     * For tests, evaluation and batch imports; an agent need not wait.
     *
     * @return false if {@code timeout} passed first; true at once when level 2 is off
     * @throws LociException if the waiting thread is interrupted (its interrupt flag is kept)
     */
    boolean awaitConsolidation(Duration timeout);

    /** As {@link #awaitConsolidation(Duration)}, without a time limit. */
    void awaitConsolidation();

    /**
     * As {@link #awaitConsolidation(Duration)} for the conversations within {@code scope} only:
     * closes their open episode tails (those of other users, sessions and tenants stay open), then
     * waits for the SESSION and TOPIC memories. The end of one conversation, or of one user's import.
     *
     * @return false if {@code timeout} passed first; true at once when level 2 is off
     * @throws InvalidInputException if the scope or timeout is missing or the timeout is negative
     * @throws LociException if the waiting thread is interrupted (its interrupt flag is kept)
     */
    boolean awaitConsolidation(Scope scope, Duration timeout);

    /**
     * Releases what this instance holds (for the embedded engine: background threads, the store and
     * the embedding model). Calls after close fail with a {@link LociException}. Idempotent.
     */
    void close();
}
