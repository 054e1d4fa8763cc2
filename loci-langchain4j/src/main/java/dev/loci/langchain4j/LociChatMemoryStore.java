package dev.loci.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.LociException;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.Message;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.internal.util.MemoryIds;
import dev.loci.langchain4j.ChatMessages.Turn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A LangChain4j {@link ChatMemoryStore} that keeps each conversation in Loci, where its messages
 * are also long-term memories: {@link LociContentRetriever} recalls them in the user's later
 * conversations. Use it under a {@code MessageWindowChatMemory}:
 *
 * <pre>{@code
 * ChatMemoryStore store = LociChatMemoryStore.builder().loci(loci).tenant("acme").userId("maya").build();
 * ChatMemoryProvider memories = id -> MessageWindowChatMemory.builder()
 *         .id(id).maxMessages(20).chatMemoryStore(store).build();
 * }</pre>
 *
 * <p><b>Conversation to scope.</b> The chat memory id is the Loci session; tenant and user are fixed
 * or derived from the id ({@link Builder#userId(Function)}, {@link Builder#scopeOf(Function)}).
 *
 * <p><b>Only what is new is remembered.</b> {@link #updateMessages} is handed the whole window
 * every time. Each message remembered gets the next number of its conversation, sent as its Loci
 * client id ({@code lc4j-<n>}), and a window is compared with the conversation's latest stored
 * messages: what follows the longest start of the window that equals the stored tail is new. So a
 * window handed again, a retried call, or a window that lost its oldest messages adds nothing, and
 * a message said twice in a row is kept twice; a window read before another call stored more (two
 * messages sent at once) adds only its own new message. (The one window that cannot be told from a re-sent
 * one is a window each of whose messages repeats the one before it, same role and text: its newest
 * message is taken as re-sent.) A system message is kept apart, numbered on its own
 * ({@code lc4j-system-<n>}), remembered when its text changes, and returned first.
 *
 * <p><b>What is kept.</b> System, user and assistant messages, by role, with the user's name as
 * speaker. Tool requests and their results are not statements of the conversation and are not
 * remembered: while the model is still at work on a message (it asked for tools and has not
 * answered in words yet) they are held in this instance's memory and returned after the stored
 * messages, so the tool loop of an AI service sees them; once the model answers they are dropped,
 * requests and results together. A window rewritten in place ({@code ChatMemory.set}) is appended,
 * not replaced: Loci keeps what was said; {@link #deleteMessages} forgets a whole conversation.
 *
 * <p><b>Reads</b> find the stored messages by their client ids, so a conversation continues where
 * it stopped after a restart or on another instance sharing a Loci server: a count and a few
 * look-ups find the newest number, then one look-up per message of the window
 * ({@link Builder#maxMessages(int)}). The window read or written last is kept for each of the
 * 1,024 most recent conversations and used again while the session's count of turns is unchanged,
 * so a call usually costs one count; a message added or forgotten anywhere changes the count and
 * the window is read again. (A stored message whose text is edited with {@code Loci.update} keeps
 * its old text in a window kept here until then.)
 *
 * <p>Thread-safe. Calls for the same conversation are serialised within this instance; two
 * instances writing the same conversation at the same moment may keep only one of two messages
 * that get the same number.
 */
public final class LociChatMemoryStore implements ChatMemoryStore {
    /** Messages {@link #getMessages} returns when no other number is set. */
    public static final int DEFAULT_MAX_MESSAGES = 20;
    static final String TURN_PREFIX = "lc4j-";
    static final String SYSTEM_PREFIX = "lc4j-system-";
    private static final int LOCK_STRIPES = 64;
    /** Numbers looked at above the guess for the newest message, past messages forgotten there. */
    private static final int GAP_PROBES = 4;
    /** Conversations whose window (and pending tool messages) this instance keeps; least recently used dropped. */
    private static final int MAX_CONVERSATIONS = 1024;

    private final Loci loci;
    private final ConversationScopes scopes;
    private final int maxMessages;
    private final Object[] locks = new Object[LOCK_STRIPES];
    /** Per conversation, the tool requests and results since its newest stored message. */
    private final Map<Scope, Pending> pending = lru();
    /** Per conversation, its window as last read or written. */
    private final Map<Scope, Window> windows = lru();

    private LociChatMemoryStore(Builder b) {
        this.loci = Objects.requireNonNull(b.loci, "loci is required");
        this.scopes = b.scopes();
        this.maxMessages = b.maxMessages;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static <V> Map<Scope, V> lru() {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Scope, V> eldest) {
                return size() > MAX_CONVERSATIONS;
            }
        });
    }

    /** The conversation's system message (if any) followed by its latest messages, oldest first. */
    @Override
    public List<ChatMessage> getMessages(Object memoryId) {
        Scope scope = scopes.session(memoryId);
        Window w = window(scope, maxMessages);
        List<ChatMessage> out = new ArrayList<>();
        if (w.system != null) {
            out.add(ChatMessages.message(w.system));
        }
        List<Turn> turns = w.turns.subList(Math.max(0, w.turns.size() - maxMessages), w.turns.size());
        for (Turn t : turns) {
            out.add(ChatMessages.message(t));
        }
        Pending p = pending.get(scope);
        if (p != null && (p.after == null ? turns.isEmpty() : !turns.isEmpty() && turns.getLast().sameAs(p.after))) {
            out.addAll(p.messages);
        }
        return out;
    }

    /** Remembers the messages of the window that are not stored yet (see the class comment). */
    @Override
    public void updateMessages(Object memoryId, List<ChatMessage> messages) {
        Scope scope = scopes.session(memoryId);
        if (messages == null) {
            throw new InvalidInputException("messages", "is required");
        }
        List<Turn> window = new ArrayList<>();
        List<ChatMessage> since = new ArrayList<>();
        Turn system = null;
        for (ChatMessage m : messages) {
            if (m == null) {
                throw new InvalidInputException("messages", "must not contain null");
            }
            Optional<Turn> t = ChatMessages.turn(m);
            if (t.isEmpty()) {
                since.add(m);
            } else if (m instanceof SystemMessage) {
                system = t.get();
            } else {
                window.add(t.get());
                since.clear();
            }
        }
        synchronized (locks[Math.floorMod(scope.hashCode(), LOCK_STRIPES)]) {
            Window w = window(scope, Math.max(maxMessages, window.size()));
            List<Message> fresh = new ArrayList<>();
            long systemTop = w.systemTop;
            Turn newSystem = w.system;
            if (system != null && (w.system == null || !w.system.sameAs(system))) {
                fresh.add(message(system, SYSTEM_PREFIX + ++systemTop));
                newSystem = system;
            }
            long top = w.top;
            List<Turn> turns = new ArrayList<>(w.turns);
            if (!window.isEmpty()) {
                for (Turn t : window.subList(storedPrefix(w.turns, window), window.size())) {
                    fresh.add(message(t, TURN_PREFIX + ++top));
                    turns.add(t);
                }
            }
            if (!fresh.isEmpty()) {
                RememberResult r = loci.remember(scope, fresh);
                for (int i = 0; i < fresh.size(); i++) {
                    if (!r.ids().get(i).equals(idOf(scope, fresh.get(i).clientId()))) {
                        windows.remove(scope);
                        throw new LociException("Loci stored the messages of " + scope + " under other ids than "
                                + "their client ids give: the scope's tenant must be the tenant the server "
                                + "works in (the tenant of its API key)");
                    }
                }
                int limit = w.limit;
                windows.put(scope, new Window(w.turnCount + r.added(), systemTop, newSystem, top,
                        List.copyOf(turns.subList(Math.max(0, turns.size() - limit), turns.size())), limit));
            }
            if (since.isEmpty()) {
                pending.remove(scope);
            } else {
                pending.put(scope, new Pending(window.isEmpty() ? null : window.getLast(), List.copyOf(since)));
            }
        }
    }

    /**
     * What this instance knows of a conversation: how many turns its session held, the numbers of
     * its newest system message and newest message, the system message and up to {@code limit}
     * latest messages, oldest first.
     */
    private record Window(long turnCount, long systemTop, Turn system, long top, List<Turn> turns, int limit) {
    }

    /** Tool requests and results that follow the stored message {@code after} (null: follow nothing). */
    private record Pending(Turn after, List<ChatMessage> messages) {
    }

    /**
     * The conversation as stored, with at least {@code limit} of its latest messages when it has
     * them. The copy kept from the last call is used while the session's turn count is unchanged
     * (one request): a message added or forgotten by anyone changes it, and the window is read again.
     */
    private Window window(Scope scope, int limit) {
        long count = turnCount(scope);
        Window w = windows.get(scope);
        if (w != null && w.turnCount == count && w.limit >= limit) {
            return w;
        }
        long systemTop = highest(scope, SYSTEM_PREFIX, 1);
        Turn system = systemTop < 0 ? null : get(scope, SYSTEM_PREFIX + systemTop).map(Turn::of).orElse(null);
        long top = highest(scope, TURN_PREFIX, count - (systemTop + 1));
        List<Turn> turns = latestTurns(scope, top, limit).stream().map(Turn::of).toList();
        w = new Window(count, systemTop, system, top, turns, limit);
        windows.put(scope, w);
        return w;
    }

    /** Forgets the whole conversation: every message and what Loci derived from them. */
    @Override
    public void deleteMessages(Object memoryId) {
        Scope scope = scopes.session(memoryId);
        synchronized (locks[Math.floorMod(scope.hashCode(), LOCK_STRIPES)]) {
            pending.remove(scope);
            windows.remove(scope);
            loci.purge(scope);
        }
    }

    /**
     * How many of the window's first messages are stored already. A window is the stored tail
     * followed by what is new, so the answer is the longest start of the window that equals the
     * stored tail message for message. When none does: if a message of the tail was forgotten since,
     * the cut whose run back from the newest stored message is longest; else (the window was read
     * before another call stored more: two messages sent at once, a late retry) the longest start
     * of the window found anywhere in the stored messages; 0 when nothing matches (all is new).
     */
    static int storedPrefix(List<Turn> stored, List<Turn> window) {
        if (stored.isEmpty()) {
            return 0;
        }
        int best = 0;
        int bestRun = 0;
        for (int cut = window.size(); cut >= 1; cut--) {
            int run = 0;
            while (run < cut && run < stored.size()
                    && window.get(cut - 1 - run).sameAs(stored.get(stored.size() - 1 - run))) {
                run++;
            }
            if (run == cut) {
                return cut;
            }
            if (run > bestRun) {
                best = cut;
                bestRun = run;
            }
        }
        if (best > 0) {
            return best;
        }
        for (int cut = Math.min(window.size(), stored.size()); cut >= 1; cut--) {
            for (int from = stored.size() - cut; from >= 0; from--) {
                int i = 0;
                while (i < cut && window.get(i).sameAs(stored.get(from + i))) {
                    i++;
                }
                if (i == cut) {
                    return cut;
                }
            }
        }
        return 0;
    }

    /**
     * Up to {@code limit} stored messages numbered {@code top} and below, oldest first. Numbers with
     * nothing behind them (a forgotten message) are passed over, looking at most a few times the
     * limit further back.
     */
    private List<Memory> latestTurns(Scope scope, long top, int limit) {
        List<Memory> out = new ArrayList<>();
        long budget = 4L * limit + 16;
        for (long n = top; n >= 0 && out.size() < limit && budget-- > 0; n--) {
            get(scope, TURN_PREFIX + n).ifPresent(out::add);
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * The highest number stored under the prefix, -1 for none. Starts from a guess (how many such
     * messages the session holds, which forgotten ones make too low and other writers' turns too
     * high): from the first number present at the guess or a few above it, gallops up; with none
     * there, gallops down; then halves the gap between a number present and one absent.
     */
    private long highest(Scope scope, String prefix, long guess) {
        long start = Math.max(0, guess - 1);
        long lo = -1;
        for (long n = start; n <= start + GAP_PROBES && lo < 0; n++) {
            if (present(scope, prefix + n)) {
                lo = n;
            }
        }
        long hi;
        if (lo >= 0) {
            long step = 1;
            hi = lo + step;
            while (present(scope, prefix + hi)) {
                lo = hi;
                step *= 2;
                hi = lo + step;
            }
        } else {
            hi = start;
            long step = 1;
            while (true) {
                long c = hi - step;
                if (c <= 0) {
                    if (hi == 0 || !present(scope, prefix + 0)) {
                        return -1;
                    }
                    lo = 0;
                    break;
                }
                if (present(scope, prefix + c)) {
                    lo = c;
                    break;
                }
                hi = c;
                step *= 2;
            }
        }
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (present(scope, prefix + mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private long turnCount(Scope scope) {
        return loci.count(scope, MemoryFilter.all().withKinds(Set.of(Kind.TURN)));
    }

    private boolean present(Scope scope, String clientId) {
        return get(scope, clientId).isPresent();
    }

    private Optional<Memory> get(Scope scope, String clientId) {
        return loci.get(scope, idOf(scope, clientId));
    }

    /**
     * The id Loci gives a message with this client id in this scope: the derivation that makes
     * remember idempotent, here used to find a conversation's messages, since {@link Loci} has no
     * listing of a session. {@link #updateMessages} checks that Loci answered with these ids.
     */
    private static String idOf(Scope scope, String clientId) {
        return MemoryIds.forClientId(scope, clientId);
    }

    private static Message message(Turn t, String clientId) {
        return new Message(t.role(), t.speaker(), t.text(), null, clientId, null);
    }

    /** Builds a {@link LociChatMemoryStore}. {@link #loci(Loci)} is required. Not thread-safe. */
    public static final class Builder {
        private Loci loci;
        private String tenant = "default";
        private Function<Object, String> userOf;
        private Function<Object, Scope> scopeOf;
        private int maxMessages = DEFAULT_MAX_MESSAGES;

        private Builder() {
        }

        /** The memory: an embedded engine or a client of a Loci server. Required. */
        public Builder loci(Loci l) {
            this.loci = l;
            return this;
        }

        /** The tenant of every conversation; default {@code default}. With a client, the API key's tenant. */
        public Builder tenant(String t) {
            this.tenant = t;
            return this;
        }

        /** One user for every conversation. Either this, {@link #userId(Function)} or {@link #scopeOf}. */
        public Builder userId(String user) {
            Objects.requireNonNull(user, "userId");
            this.userOf = id -> user;
            return this;
        }

        /** The user of a conversation, from its chat memory id (e.g. ids like {@code maya:42}). */
        public Builder userId(Function<Object, String> userOfMemoryId) {
            this.userOf = Objects.requireNonNull(userOfMemoryId, "userId");
            return this;
        }

        /**
         * The whole scope of a conversation from its chat memory id, for mappings the tenant and user
         * setters cannot express; overrides them. The scope should name a session, so that
         * {@link #deleteMessages} forgets one conversation and not all of the user's.
         */
        public Builder scopeOf(Function<Object, Scope> mapping) {
            this.scopeOf = Objects.requireNonNull(mapping, "scopeOf");
            return this;
        }

        /** How many messages (besides the system message) {@link #getMessages} returns, 1..1000; default 20.
         * At least the {@code maxMessages} of the chat memory over it, which keeps no more than that. */
        public Builder maxMessages(int n) {
            if (n < 1 || n > 1000) {
                throw new InvalidInputException("maxMessages", "must be in 1..1000, was " + n);
            }
            this.maxMessages = n;
            return this;
        }

        public LociChatMemoryStore build() {
            return new LociChatMemoryStore(this);
        }

        ConversationScopes scopes() {
            if (scopeOf != null) {
                return ConversationScopes.of(scopeOf);
            }
            if (userOf == null) {
                throw new InvalidInputException("userId", "is required: set userId(...) or scopeOf(...)");
            }
            return ConversationScopes.perSession(tenant, userOf);
        }
    }
}
