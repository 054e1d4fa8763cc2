package dev.loci.internal.hierarchy;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.Backoff;
import dev.loci.internal.util.MemoryIds;
import dev.loci.internal.util.WriteConflicts;
import dev.loci.spi.ConditionalWrite;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.RecordVersion;
import dev.loci.spi.SharedStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.StoredMemory;
import dev.loci.spi.VersionedMemory;
import dev.loci.spi.WriteConflictException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Level 2 of the hierarchy, kept up to date incrementally:
 * <ul>
 *   <li>a SESSION node per session scope (id derived from the scope, so an episode names it as its
 *       parent when it is written, before the node exists), over every episode of the session;</li>
 *   <li>TOPIC nodes per user scope (the episode's scope without its session): an episode joins the
 *       topic whose mean vector is most similar to its own if the cosine reaches the threshold,
 *       else it founds a new topic. The link lives in the topic's {@code childIds} only.</li>
 * </ul>
 * Adding episodes touches only their nodes: each node keeps its members' records and vectors and
 * the running sum of the vectors ({@link SessionTopicNode}), and nothing is embedded or read back. Nodes
 * of recently used sessions and users stay in memory (least recently used go first). A node not in
 * memory is loaded from the store: its episodes (listed by scope) and their stored vectors.
 * Loading also catches up with episodes whose level 2 was never built (a crash, a close that did
 * not finish, a build that failed, level 2 turned on over old data): they are added then. A new
 * session is not loaded but checked later, when the builder is idle ({@link #verify()}).
 *
 * <p>Forgets and adding never interleave: {@link #repair} runs under the same lock, after the
 * forget's own deletes and writes, and rebuilds every node holding an episode the forget touched
 * from the store. Episodes written before a forget and added after it are read back first
 * ({@link #forgets()}), so one forgotten or rebuilt meanwhile never brings deleted text back.
 *
 * <p>Over a {@link SharedStore} (several processes), nothing is kept between rounds: another
 * process may have added episodes to the same nodes, so each round loads its nodes from the store,
 * reading each node's store version before listing the episodes it is built from, and writes a
 * node only if it still has that version ({@link SharedStore#writeIf}; a new node only if none was
 * written meanwhile). A round that meets a conflict (another process wrote one of its nodes since
 * it was read) loads its nodes again and redoes the round, after a random pause, at most
 * {@link #MAX_ATTEMPTS} times: so a node is never overwritten by one built from an older listing,
 * and the last write of a node was built on every episode written before its version was read.
 * A topic founded there takes the first free id of the user's topic sequence
 * ({@link #foundedTopicId}) rather than one derived from its first episode, so two processes that
 * found a topic for the same user from the same view found the same id, and the create-only write
 * lets one of them: the other's round is redone over the winner's topic, which its episode then
 * joins if it is similar enough, as it would have in one process.
 *
 * <p>Thread-safe: every method runs under one lock.
 */
final class SessionTopicNodes {
    /** Session nodes kept in memory. */
    static final int CACHED_SESSIONS = 512;
    /** Users whose topic nodes are kept in memory. */
    static final int CACHED_USERS = 256;
    /** Most episodes (or topics) read when a session or user is loaded. */
    static final int MAX_LISTED = 100_000;
    /** Attempts of one round over a shared store, the first included. */
    static final int MAX_ATTEMPTS = 8;
    /** Longest pause between two attempts. */
    static final long MAX_BACKOFF_MS = 200;
    /** Ids of the topic sequence read past the listed topics' count, for topics not listed yet. */
    static final int FOUNDED_LOOKAHEAD = 3;
    private static final System.Logger LOG = System.getLogger(SessionTopicNodes.class.getName());

    private final MemoryStore store;
    private final Clock clock;
    private final double topicThreshold;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong forgets = new AtomicLong();
    private final Map<Scope, SessionTopicNode> sessions = Lru.of(CACHED_SESSIONS);
    private final Map<Scope, List<SessionTopicNode>> topics = Lru.of(CACHED_USERS);
    /** Sessions started without a stored node and not yet checked for episodes they miss. */
    private final Set<Scope> unverified = ConcurrentHashMap.newKeySet();
    /** Other processes write the store: nodes are loaded from it for every round, never kept. */
    private final boolean shared;
    /**
     * Over a shared store: the store version of each node this round loaded (NONE: there was
     * none), which its write expects. Empty otherwise.
     */
    private final Map<String, RecordVersion> versions = new HashMap<>();

    /** Counts the node writes another process made fail, and the rounds redone. */
    private final WriteConflicts conflicts;
    /** The kinds of the nodes the last refused write named (for counting its retry). */
    private Set<Kind> lastRefused = Set.of();

    SessionTopicNodes(MemoryStore store, Clock clock, double topicThreshold) {
        this(store, clock, topicThreshold, new WriteConflicts());
    }

    SessionTopicNodes(MemoryStore store, Clock clock, double topicThreshold, WriteConflicts conflicts) {
        this.conflicts = conflicts;
        this.store = store;
        this.shared = store instanceof SharedStore;
        this.clock = clock;
        this.topicThreshold = topicThreshold;
    }

    /** Id of the SESSION node of the session an episode of {@code scope} belongs to; null without a session. */
    static String sessionNodeId(Scope scope) {
        return scope.sessionId() == null ? null : MemoryIds.forClientId(scope, "session:" + scope.sessionId());
    }

    /** Scope of the topics an episode of {@code scope} may join: the same, without the session. */
    static Scope topicScope(Scope scope) {
        return new Scope(scope.tenant(), scope.userId(), scope.agentId(), null);
    }

    /**
     * Episodes of one remember call as ingest wrote them, with their vectors.
     *
     * @param forgets {@link #forgets()} read before they were written
     */
    record Written(List<StoredMemory> episodes, long forgets) {
    }

    /**
     * How many forgets have repaired level 2 so far. Ingest reads it before writing episodes: if it
     * has not moved when the episodes are added, no forget can have deleted or rebuilt them, and
     * they are added as written, without reading them back.
     */
    long forgets() {
        return forgets.get();
    }

    /**
     * Adds newly written episodes (with the vectors ingest gave them) to their session and topic
     * nodes and writes the nodes that changed. On failure the touched scopes are dropped from
     * memory, so their next episode reloads them from the store and catches up.
     */
    void add(List<Written> written) {
        lock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    addOnce(written);
                    return;
                } catch (WriteConflictException e) {
                    if (attempt == MAX_ATTEMPTS || !backOff(attempt)) {
                        throw e;
                    }
                    conflicts.retried(lastRefused);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits before the next attempt (see {@link Backoff}). False if interrupted. */
    private static boolean backOff(int attempt) {
        return Backoff.pause(attempt, MAX_BACKOFF_MS);
    }

    private void addOnce(List<Written> written) {
        Set<Scope> touched = new LinkedHashSet<>();
        try {
            forgetIfShared();
            Map<String, SessionTopicNode> changed = new LinkedHashMap<>();
            for (SessionTopicNode.Member m : current(written)) {
                Scope scope = m.episode().scope();
                touched.add(scope);
                if (scope.sessionId() != null) {
                    SessionTopicNode session = session(scope);
                    session.add(m.episode(), m.vector());
                    changed.put(session.id(), session);
                }
                List<SessionTopicNode> userTopics = topics(topicScope(scope));
                if (userTopics.stream().noneMatch(t -> t.contains(m.episode().id()))) {
                    SessionTopicNode topic = assign(userTopics, topicScope(scope), m);
                    changed.put(topic.id(), topic);
                }
                userTopics.stream().filter(SessionTopicNode::dirty).forEach(t -> changed.put(t.id(), t));
            }
            write(changed.values(), shared);
        } catch (RuntimeException e) {
            touched.forEach(this::drop);
            throw e;
        }
    }

    /**
     * After a forget: rebuilds, from the store as it now is, every session and topic node that
     * holds one of the {@code changed} episodes (deleted, removed or rebuilt ones), or deletes it
     * when none of its episodes remain. Sessions and topics among {@code changed} (deleted
     * themselves) are only dropped from memory: they are built again from their remaining
     * episodes when their session or user next gets an episode. Returns how many nodes were
     * rewritten or deleted. Over a shared store each node is read with its version before its
     * episodes and written only if unchanged, so a node another process extended meanwhile (a new
     * episode) is rebuilt again from what it now holds instead of losing that episode; at most
     * {@link #MAX_ATTEMPTS} attempts.
     */
    int repair(Collection<Memory> changed) {
        if (changed.isEmpty()) {
            return 0;
        }
        lock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return repairOnce(changed);
                } catch (WriteConflictException e) {
                    if (attempt == MAX_ATTEMPTS || !backOff(attempt)) {
                        throw e;
                    }
                    conflicts.retried(lastRefused);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One attempt of {@link #repair}; over a shared store each node is read with its version
     * before the episodes it is rebuilt from, and written only if still at that version.
     *
     * @throws WriteConflictException when another process wrote one of the nodes since
     */
    private int repairOnce(Collection<Memory> changed) {
        forgets.incrementAndGet();
        forgetIfShared();
        Set<String> ids = new HashSet<>();
        Set<Scope> sessionScopes = new LinkedHashSet<>();
        Set<Scope> userScopes = new LinkedHashSet<>();
        for (Memory e : changed) {
            drop(e.scope());
            if (e.kind() != Kind.EPISODE) {
                continue;
            }
            ids.add(e.id());
            if (e.scope().sessionId() != null) {
                sessionScopes.add(e.scope());
            }
            userScopes.add(topicScope(e.scope()));
        }
        List<Memory> damaged = new ArrayList<>();
        for (Scope s : sessionScopes) {
            read(s.tenant(), sessionNodeId(s)).ifPresent(damaged::add);
        }
        for (Scope u : userScopes) {
            List<Memory> topics = listed(u, Kind.TOPIC);
            if (shared && !topics.isEmpty()) { // as they are now, with their versions
                Map<String, VersionedMemory> read = ((SharedStore) store).readVersioned(u.tenant(),
                        topics.stream().map(Memory::id).toList());
                read.forEach((id, v) -> versions.put(id, v.version()));
                topics = topics.stream().map(t -> read.get(t.id())).filter(Objects::nonNull)
                        .map(VersionedMemory::memory).toList();
            }
            for (Memory topic : topics) {
                if (topic.childIds().stream().anyMatch(ids::contains)) {
                    damaged.add(topic);
                }
            }
        }
        List<SessionTopicNode> rebuilt = new ArrayList<>();
        for (Memory node : damaged) {
            SessionTopicNode n = new SessionTopicNode(node.id(), node.scope(), node.kind(), node.version(), node.recordedAt());
            members(node.scope().tenant(), node.childIds()).forEach(m -> n.add(m.episode(), m.vector()));
            rebuilt.add(n);
        }
        write(rebuilt, shared);
        return rebuilt.size();
    }

    /** Forgets what is kept in memory about the scope's session and user; they are reloaded when next needed. */
    private void drop(Scope scope) {
        sessions.remove(scope);
        topics.remove(topicScope(scope));
    }

    /**
     * The episodes as they are stored now, each with its vector: as written unless a forget ran
     * since, in which case each is read back (forgotten ones left out, rebuilt ones as rebuilt).
     */
    private List<SessionTopicNode.Member> current(List<Written> written) {
        List<SessionTopicNode.Member> out = new ArrayList<>();
        for (Written w : written) {
            for (StoredMemory e : w.episodes()) {
                Memory episode = e.memory();
                if (w.forgets() == forgets.get()) {
                    out.add(new SessionTopicNode.Member(episode, e.embedding()));
                    continue;
                }
                Optional<Memory> now = store.get(episode.scope().tenant(), episode.id());
                if (now.isPresent() && now.get().version() == episode.version()) {
                    out.add(new SessionTopicNode.Member(now.get(), e.embedding()));
                } else if (now.isPresent()) {
                    members(episode.scope().tenant(), List.of(episode.id())).forEach(out::add);
                }
            }
        }
        return out;
    }

    /**
     * The session's node: from memory, else loaded from the store with every episode of the
     * session. A session without a stored node is most likely new: it starts empty, without
     * reading anything (a listing would make the store refresh its searcher on every remember
     * call of a bulk import), and is checked for episodes it misses later, by {@link #verify()}.
     */
    private SessionTopicNode session(Scope scope) {
        SessionTopicNode cached = sessions.get(scope);
        if (cached != null) {
            return cached;
        }
        String id = sessionNodeId(scope);
        // Over a shared store another process may have written episodes of this session already:
        // they are listed below even when no node is stored yet.
        if (!shared && store.existing(scope.tenant(), List.of(id)).isEmpty()) {
            var node = new SessionTopicNode(id, scope, Kind.SESSION, 0, clock.instant());
            unverified.add(scope);
            sessions.put(scope, node);
            return node;
        }
        Optional<Memory> stored = read(scope.tenant(), id);
        var node = new SessionTopicNode(id, scope, Kind.SESSION, stored.map(Memory::version).orElse(0),
                stored.map(Memory::recordedAt).orElseGet(clock::instant));
        members(listed(scope, Kind.EPISODE)).forEach(m -> node.add(m.episode(), m.vector()));
        node.compareWithStored(stored.map(Memory::childIds).orElse(null));
        sessions.put(scope, node);
        return node;
    }

    /** Over a shared store, drops the kept nodes so this round reads what other processes wrote. */
    private void forgetIfShared() {
        if (shared) {
            sessions.clear();
            topics.clear();
            versions.clear();
        }
    }

    /** The stored node; over a shared store read with its version, which is kept for its write. */
    private Optional<Memory> read(String tenant, String id) {
        if (!shared) {
            return store.get(tenant, id);
        }
        VersionedMemory v = ((SharedStore) store).readVersioned(tenant, List.of(id)).get(id);
        versions.put(id, v == null ? RecordVersion.NONE : v.version());
        return Optional.ofNullable(v).map(VersionedMemory::memory);
    }

    /** Whether sessions started since the last {@link #verify()} wait to be checked. */
    boolean unverified() {
        return !unverified.isEmpty();
    }

    /**
     * Adds to the sessions started without a stored node the episodes of theirs that the store
     * holds and they miss (written before a crash, or while level 2 was off), and writes them.
     * Nothing to do over a shared store, where a session is listed whenever it is loaded.
     */
    void verify() {
        lock.lock();
        Set<Scope> checked = new LinkedHashSet<>(unverified);
        try {
            List<SessionTopicNode> changed = new ArrayList<>();
            for (Scope scope : checked) {
                SessionTopicNode node = sessions.get(scope);
                if (node == null) {
                    continue; // dropped from memory: it lists its episodes when it is loaded again
                }
                List<Memory> missed = listed(scope, Kind.EPISODE).stream().filter(e -> !node.contains(e.id())).toList();
                members(missed).forEach(m -> node.add(m.episode(), m.vector()));
                if (!missed.isEmpty()) {
                    changed.add(node);
                }
            }
            write(changed, false);
        } catch (RuntimeException e) {
            checked.forEach(this::drop);
            throw e;
        } finally {
            unverified.removeAll(checked);
            lock.unlock();
        }
    }

    /** The user's topics, loaded with every episode of the user; episodes in no topic are assigned now. */
    private List<SessionTopicNode> topics(Scope user) {
        List<SessionTopicNode> cached = topics.get(user);
        if (cached != null) {
            return cached;
        }
        // topics (with their versions, over a shared store) before the episodes they are built from
        List<Memory> stored = listed(user, Kind.TOPIC);
        if (shared) {
            // Real-time reads: the listing may not show a topic another process founded a moment
            // ago yet, so the next ids of the sequence are read too.
            Set<String> ids = new LinkedHashSet<>();
            stored.forEach(t -> ids.add(t.id()));
            for (int n = 0; n <= stored.size() + FOUNDED_LOOKAHEAD; n++) {
                ids.add(foundedTopicId(user, n));
            }
            Map<String, VersionedMemory> read = ((SharedStore) store).readVersioned(user.tenant(), ids);
            read.forEach((id, v) -> versions.put(id, v.version()));
            // in listing order, then the ones found beyond it
            stored = ids.stream().map(read::get).filter(Objects::nonNull).map(VersionedMemory::memory)
                    .filter(t -> t.kind() == Kind.TOPIC && t.scope().equals(user)).toList();
        }
        Map<String, SessionTopicNode.Member> unassigned = new LinkedHashMap<>();
        members(listed(user, Kind.EPISODE)).forEach(m -> unassigned.put(m.episode().id(), m));
        List<SessionTopicNode> nodes = new ArrayList<>();
        for (Memory topic : stored) {
            var node = new SessionTopicNode(topic.id(), user, Kind.TOPIC, topic.version(), topic.recordedAt());
            for (String child : topic.childIds()) {
                SessionTopicNode.Member m = unassigned.remove(child);
                if (m != null) {
                    node.add(m.episode(), m.vector());
                }
            }
            if (node.isEmpty()) { // its episodes are gone, and a crash kept a forget from removing it
                store.delete(user.tenant(), topic.id());
                continue;
            }
            node.compareWithStored(topic.childIds());
            nodes.add(node);
        }
        unassigned.values().forEach(m -> assign(nodes, user, m));
        topics.put(user, nodes);
        return nodes;
    }

    /** Adds the episode to the most similar topic if it is similar enough, else to a new topic. */
    private SessionTopicNode assign(List<SessionTopicNode> userTopics, Scope user, SessionTopicNode.Member m) {
        SessionTopicNode best = null;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (SessionTopicNode t : userTopics) {
            double s = t.similarity(m.vector());
            if (s > bestSimilarity) {
                bestSimilarity = s;
                best = t;
            }
        }
        if (best == null || bestSimilarity < topicThreshold) {
            best = new SessionTopicNode(newTopicId(userTopics, user, m.episode()), user, Kind.TOPIC, 0, clock.instant());
            userTopics.add(best);
        }
        best.add(m.episode(), m.vector());
        return best;
    }

    /**
     * The id of a topic founded now for an episode: derived from the episode in one process; over
     * a shared store, the first id of the user's topic sequence that none of the user's topics has
     * ({@link #foundedTopicId}), which is what any process that read the same topics founds too.
     */
    private String newTopicId(List<SessionTopicNode> userTopics, Scope user, Memory episode) {
        if (!shared) {
            return MemoryIds.forClientId(user, "topic:" + episode.id());
        }
        Set<String> taken = new HashSet<>();
        userTopics.forEach(t -> taken.add(t.id()));
        for (int n = 0; ; n++) {
            String id = foundedTopicId(user, n);
            if (!taken.contains(id)) {
                return id;
            }
        }
    }

    /** The {@code n}th id of the user's topic sequence (over a shared store). */
    static String foundedTopicId(Scope user, int n) {
        return MemoryIds.forClientId(user, "topic#" + n);
    }

    /**
     * Memories of the kind in this scope: a session's episodes, or a user's episodes (of every
     * session) or topics. A listing by scope also finds narrower scopes (other agents when the
     * agent is not set), so the result is narrowed to exactly the scope.
     */
    private List<Memory> listed(Scope scope, Kind kind) {
        var filter = new SearchFilter(scope, Set.of(kind), null, Map.of());
        List<Memory> found = store.list(filter, MAX_LISTED);
        if (found.size() == MAX_LISTED) {
            LOG.log(System.Logger.Level.WARNING, "{0} holds more than {1} {2} memories; level 2 sees the oldest only",
                    scope, MAX_LISTED, kind);
        }
        boolean acrossSessions = kind == Kind.EPISODE && scope.sessionId() == null;
        return found.stream()
                .filter(m -> acrossSessions ? topicScope(m.scope()).equals(scope) : m.scope().equals(scope))
                .toList();
    }

    /** These episodes, each with its stored vector (one without a vector is left out). */
    private List<SessionTopicNode.Member> members(List<Memory> episodes) {
        Map<String, Embedding> vectors = store.vectors(episodes.isEmpty() ? "" : episodes.get(0).scope().tenant(),
                episodes.stream().map(Memory::id).toList());
        List<SessionTopicNode.Member> out = new ArrayList<>(episodes.size());
        for (Memory e : episodes) {
            Embedding v = vectors.get(e.id());
            if (v != null) {
                out.add(new SessionTopicNode.Member(e, v));
            }
        }
        return out;
    }

    /** The episodes with these ids that exist, with their stored vectors, in list order. */
    private List<SessionTopicNode.Member> members(String tenant, List<String> ids) {
        List<Memory> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            store.get(tenant, id).filter(e -> e.kind() == Kind.EPISODE).ifPresent(found::add);
        }
        return members(found);
    }

    /**
     * Writes the dirty nodes as one batch and deletes the empty ones; {@code conditionally} (over a
     * shared store, for the nodes of a round), each only if its store version is still the one read.
     *
     * @throws WriteConflictException when another process wrote one of them since
     */
    private void write(Collection<SessionTopicNode> nodes, boolean conditionally) {
        List<StoredMemory> batch = new ArrayList<>();
        List<ConditionalWrite> conditional = new ArrayList<>();
        for (SessionTopicNode n : nodes) {
            if (n.isEmpty()) {
                store.delete(n.scope().tenant(), n.id());
            } else if (n.dirty() && conditionally) {
                // as read this round, or new (none was read: there must still be none)
                conditional.add(new ConditionalWrite(n.build(), versions.getOrDefault(n.id(), RecordVersion.NONE)));
            } else if (n.dirty()) {
                batch.add(n.build());
            }
        }
        if (!batch.isEmpty()) {
            store.write(batch);
        }
        if (!conditional.isEmpty()) {
            try {
                ((SharedStore) store).writeIf(conditional);
            } catch (WriteConflictException e) {
                Map<String, Kind> kinds = new HashMap<>();
                nodes.forEach(n -> kinds.put(n.id(), n.kind()));
                lastRefused = conflicts.refused(e, kinds::get);
                throw e;
            }
        }
    }

    /** An access-ordered map that drops its least recently used entry past a capacity. */
    private static final class Lru {
        static <K, V> Map<K, V> of(int capacity) {
            return new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    return size() > capacity;
                }
            };
        }
    }
}
