package dev.loci.internal.hierarchy;

import dev.loci.ConsolidationConfig;
import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.Listings;
import dev.loci.spi.Embedding;
import dev.loci.spi.ListPosition;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.SearchFilter;
import dev.loci.spi.SharedStore;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The open episode tail of each conversation: the turns of one scope remembered since its last
 * episode closed, which the next remember call of that scope continues ({@link EpisodeBuilder#organise}).
 *
 * <p><b>Where a tail comes from.</b> A tail is kept in memory for the {@link #CACHED} most recently
 * used conversations, with the vectors and keys its turns were written with, so a call reads
 * nothing from the store in the steady state. A conversation not in memory (after a restart, or
 * pushed out) is derived from the store: its newest turns, newest first, up to the first one that
 * belongs to an episode (at most {@link #MAX_LOADED} read); the turns before that one are the
 * tail. Over a {@link SharedStore} (several processes) tails are not derived from the store: a
 * process could adopt turns another process is organising, and a turn would end up in two
 * episodes. There a tail belongs to the process that wrote its turns, and a tail pushed out of
 * memory is handed back ({@link #evicted()}) to be closed.
 *
 * <p><b>Staleness.</b> A forget, an update, an expiry or an eviction may delete or rewrite turns
 * of a tail, or the turn its first turn is keyed with: they call {@link #invalidate} (under the
 * lock they hold), which marks the tails concerned stale and moves the {@link #generation()};
 * a stale tail is read again from the store, turn by turn, before it is used. Turns that an
 * episode is about to take are read again from the store anyway ({@link #reload}), so their
 * lifecycle (pins, supersession links written meanwhile) is kept.
 *
 * <p>Thread-safe. Callers serialise the work on one conversation with {@link #lockOf}.
 */
public final class EpisodeTails {
    /** Conversations whose tail is kept in memory. */
    static final int CACHED = 1_024;
    /** Most turns read when a conversation's tail is derived from the store. */
    static final int MAX_LOADED = 256;
    private static final int PAGE = 64;
    private static final int LOCKS = 256;

    private final MemoryStore store;
    private final ConsolidationConfig config;
    private final boolean shared;
    private final ReentrantLock[] locks = new ReentrantLock[LOCKS];
    private final Map<Scope, Tail> tails;
    private final List<Evicted> evicted = new ArrayList<>();
    private long generation;

    /**
     * A conversation's open turns, the turn said just before them (or null), the vectors of the
     * episode that closed before them ({@link EpisodeBuilder.Organised#primer()}) and when the last
     * turn arrived.
     */
    private record Tail(List<StoredMemory> turns, Memory before, Primer primer, boolean stale,
                        Instant arrived) {
        Tail asStale() {
            return new Tail(turns, before, primer, true, arrived);
        }
    }

    /** A tail pushed out of memory over a shared store: it must be closed, since nothing will reload it. */
    public record Evicted(Scope scope, List<StoredMemory> turns, Memory before, Primer primer) {
    }

    public EpisodeTails(MemoryStore store, ConsolidationConfig config) {
        this.store = store;
        this.config = config;
        this.shared = store instanceof SharedStore;
        for (int i = 0; i < LOCKS; i++) {
            locks[i] = new ReentrantLock();
        }
        this.tails = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Scope, Tail> eldest) {
                if (size() <= CACHED) {
                    return false;
                }
                if (shared && !eldest.getValue().turns().isEmpty()) {
                    Tail t = eldest.getValue();
                    evicted.add(new Evicted(eldest.getKey(), t.turns(), t.before(), t.primer()));
                }
                return true;
            }
        };
    }

    /** The lock serialising remember calls and closes of one conversation; take it before any other. */
    public ReentrantLock lockOf(Scope scope) {
        return locks[Math.floorMod(scope.hashCode(), LOCKS)];
    }

    /** Moves with every {@link #invalidate}: read it before {@link #tail} and hand it to {@link #put}. */
    public synchronized long generation() {
        return generation;
    }

    /** The open tail of the conversation, oldest first (read again from the store if it went stale). */
    public List<StoredMemory> tail(Scope scope) {
        Tail t;
        synchronized (this) {
            t = tails.get(scope);
        }
        if (t == null) {
            return shared ? List.of() : load(scope).turns();
        }
        return t.stale() ? reload(scope) : t.turns();
    }

    /** The turn said just before the tail's first turn, as last known; null when unknown. */
    public synchronized Memory before(Scope scope) {
        Tail t = tails.get(scope);
        return t == null ? null : t.before();
    }

    /** The latest episodes closed before the tail, as last known. */
    public synchronized Primer primer(Scope scope) {
        Tail t = tails.get(scope);
        return t == null ? Primer.NONE : t.primer();
    }

    /**
     * The tail read again from the store, turn by turn: turns deleted or taken into an episode
     * meanwhile are dropped, the rest come back as now stored (vectors kept unless the text
     * changed; keys computed again). Call it under the lock forgets and updates hold.
     */
    public List<StoredMemory> reload(Scope scope) {
        Tail t;
        synchronized (this) {
            t = tails.get(scope);
        }
        if (t == null) {
            return shared ? List.of() : load(scope).turns();
        }
        Tail fresh = refresh(scope, t.turns(), t.before(), t.primer(), t.arrived());
        synchronized (this) {
            tails.put(scope, fresh);
        }
        return fresh.turns();
    }

    /**
     * Whether the conversation's tail may differ from the store since {@code generation} was read
     * (before {@link #tail}): a forget, update, pin or fact link invalidated tails meanwhile, the
     * tail is stale, or the store is shared (another process may have rewritten its turns). When
     * not, the tail kept in memory is the stored one and need not be read again ({@link #reload}).
     * Call it under the lock forgets and updates hold: every rewrite of a stored turn other than
     * the one the caller is about to make happens under it and invalidates first.
     */
    public synchronized boolean changedSince(Scope scope, long generation) {
        Tail t = tails.get(scope);
        return shared || generation != this.generation || t == null || t.stale();
    }

    /** {@link #reload} for a tail handed back by {@link #evicted()}. */
    public List<StoredMemory> reload(Evicted e) {
        return refresh(e.scope(), e.turns(), e.before(), e.primer(), null).turns();
    }

    /**
     * Keeps {@code open} as the conversation's tail after a write. If the tails were invalidated
     * since {@code generation} was read, it is kept as stale and read again before its next use.
     *
     * @param before  the turn said just before {@code open}'s first, or null
     * @param primer  the vectors of the episode that closed just before {@code open}, or empty
     * @param arrived when the conversation last received a turn
     */
    public synchronized void put(Scope scope, List<StoredMemory> open, Memory before, Primer primer,
                                 long generation, Instant arrived) {
        tails.put(scope, new Tail(List.copyOf(open), before, primer, generation != this.generation,
                arrived));
    }

    /**
     * Marks stale the tails of every conversation {@code scope} covers: memories in it were just
     * deleted or rewritten.
     */
    public synchronized void invalidate(Scope scope) {
        generation++;
        tails.replaceAll((s, t) -> scope.covers(s) && !t.stale() ? t.asStale() : t);
    }

    /**
     * Conversations with open turns whose last turn arrived before {@code idleBefore}, or all of
     * them when it is null.
     */
    public synchronized List<Scope> open(Instant idleBefore) {
        var out = new ArrayList<Scope>();
        tails.forEach((s, t) -> {
            if (!t.turns().isEmpty() && (idleBefore == null || t.arrived() == null || t.arrived().isBefore(idleBefore))) {
                out.add(s);
            }
        });
        return out;
    }

    /** Whether the conversation's tail is still open (and idle since before {@code idleBefore}, unless null). */
    public synchronized boolean isOpen(Scope scope, Instant idleBefore) {
        Tail t = tails.get(scope);
        return t != null && !t.turns().isEmpty()
                && (idleBefore == null || t.arrived() == null || t.arrived().isBefore(idleBefore));
    }

    /** Tails pushed out of memory over a shared store since the last call; the caller closes them. */
    public synchronized List<Evicted> evicted() {
        if (evicted.isEmpty()) {
            return List.of();
        }
        var out = List.copyOf(evicted);
        evicted.clear();
        return out;
    }

    /**
     * Derives the tail from the store and keeps it (see the class notes): the loose turns newer
     * than the newest turn in an episode, and before them the latest closed episodes (as many
     * whole ones as cover the segmenter's novelty window) to prime the segmenter.
     */
    private Tail load(Scope scope) {
        var filter = new SearchFilter(scope, Set.of(Kind.TURN), null, Map.of());
        var loose = new ArrayList<Memory>();
        var closed = new ArrayList<Memory>(); // newest first
        int need = config.noveltyWindow() + 1;
        ListPosition after = null;
        int read = 0;
        scan:
        while (read < MAX_LOADED) {
            List<Memory> page = Listings.newestFirst(store, filter, after, PAGE);
            for (Memory m : page) {
                read++;
                if (!m.scope().equals(scope) || m.validTo() != null) {
                    continue;
                }
                if (m.parentId() == null) {
                    if (!closed.isEmpty()) {
                        break scan; // older loose turns stay as they are
                    }
                    loose.add(m);
                    continue;
                }
                boolean nextEpisode = !closed.isEmpty() && !closed.getLast().parentId().equals(m.parentId());
                if (nextEpisode && closed.size() >= need) {
                    break scan;
                }
                closed.add(m);
            }
            if (page.size() < PAGE) {
                break;
            }
            Memory last = page.getLast();
            after = new ListPosition(last.occurredAt(), last.id());
        }
        Collections.reverse(loose);
        Collections.reverse(closed);
        Tail t = build(scope, loose, Map.of(), closed.isEmpty() ? null : closed.getLast(), primerOf(scope, closed),
                loose.isEmpty() ? null : loose.getLast().recordedAt());
        synchronized (this) {
            tails.putIfAbsent(scope, t);
            return tails.get(scope);
        }
    }

    /** The primer over these turns of closed episodes, oldest first. */
    private Primer primerOf(Scope scope, List<Memory> closed) {
        if (closed.isEmpty()) {
            return Primer.NONE;
        }
        Map<String, Embedding> stored = store.vectors(scope.tenant(), closed.stream().map(Memory::id).toList());
        var vectors = new ArrayList<Embedding>();
        var starts = new ArrayList<Integer>();
        String episode = null;
        for (Memory m : closed) {
            Embedding v = stored.get(m.id());
            if (v == null) {
                continue;
            }
            if (!m.parentId().equals(episode)) {
                starts.add(vectors.size());
                episode = m.parentId();
            }
            vectors.add(v);
        }
        return vectors.isEmpty() ? Primer.NONE : new Primer(vectors, starts);
    }

    private Tail refresh(Scope scope, List<StoredMemory> cached, Memory before, Primer primer,
                         Instant arrived) {
        var turns = new ArrayList<Memory>(cached.size());
        var vectors = new LinkedHashMap<String, Embedding>();
        for (StoredMemory c : cached) {
            Optional<Memory> now = store.get(scope.tenant(), c.memory().id());
            if (now.isEmpty() || now.get().parentId() != null || now.get().validTo() != null) {
                continue;
            }
            turns.add(now.get());
            if (now.get().version() == c.memory().version() && now.get().text().equals(c.memory().text())) {
                vectors.put(c.memory().id(), c.embedding());
            }
        }
        Memory freshBefore = before == null ? null : store.get(scope.tenant(), before.id()).orElse(null);
        return build(scope, turns, vectors, freshBefore, primer, arrived);
    }

    /** The tail over these turns: vectors from {@code known} or the store, keys computed again. */
    private Tail build(Scope scope, List<Memory> turns, Map<String, Embedding> known, Memory before,
                       Primer primer, Instant arrived) {
        var missing = turns.stream().map(Memory::id).filter(id -> !known.containsKey(id)).toList();
        Map<String, Embedding> stored = missing.isEmpty() ? Map.of() : store.vectors(scope.tenant(), missing);
        var kept = new ArrayList<Memory>(turns.size());
        var vectors = new ArrayList<Embedding>(turns.size());
        for (Memory m : turns) {
            Embedding v = known.containsKey(m.id()) ? known.get(m.id()) : stored.get(m.id());
            if (v != null) {
                kept.add(m);
                vectors.add(v);
            }
        }
        List<String> keys = IndexKeys.keys(kept, config, before);
        var out = new ArrayList<StoredMemory>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            out.add(new StoredMemory(kept.get(i), vectors.get(i), keys.get(i)));
        }
        return new Tail(List.copyOf(out), before, primer, false, arrived);
    }
}
