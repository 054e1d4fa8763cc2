package dev.loci.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.MemoryPage;
import dev.loci.Message;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.langchain4j.ChatMessages.Turn;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p><b>Reads</b> list the session's turns newest first ({@link Loci#list}), so a conversation
 * continues where it stopped after a restart or on another instance sharing a Loci server: one page
 * holds the window ({@link Builder#maxMessages(int)}) unless other turns of the session are mixed in,
 * and the newest system message is one more listing (system messages carry the metadata
 * {@code langchain4j=system}). Each message is stored with the time it was handed over, a
 * microsecond after the one before it at the least, so the listing's order is the conversation's.
 * The window read or written last is kept for each of the 1,024 most recent conversations and used
 * again while the session's count of turns is unchanged, so a call usually costs one count; a
 * message added or forgotten anywhere changes the count and the window is read again. (A stored
 * message whose text is edited with {@code Loci.update} keeps its old text in a window kept here
 * until then.)
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
    /** Metadata that marks a stored system message, so the newest one is found by a listing. */
    static final Map<String, String> SYSTEM_MARK = Map.of("langchain4j", "system");
    /** Turns listed beyond the window in the first page, for turns of the session not numbered here. */
    private static final int SLACK = 8;
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
    /** When the last message was stored: each new one a microsecond later at least, so listings keep their order. */
    private final AtomicReference<Instant> lastStamp = new AtomicReference<>(Instant.EPOCH);

    private LociChatMemoryStore(Builder b) {
        this.loci = b.requiredLoci();
        this.scopes = ConversationScopes.of(b.sessions(id -> id, id -> id));
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
        Optional<Memory> systemMessage = loci.list(scope, ListQuery.of().withKinds(Set.of(Kind.TURN))
                .withMetadata(SYSTEM_MARK).withLimit(1)).memories().stream().findFirst();
        long systemTop = systemMessage.map(m -> number(m, SYSTEM_PREFIX)).orElse(-1L);
        Turn system = systemMessage.map(Turn::of).orElse(null);
        List<Memory> latest = latestTurns(scope, limit);
        long top = latest.stream().mapToLong(m -> number(m, TURN_PREFIX)).max().orElse(-1);
        List<Turn> turns = latest.stream().map(Turn::of).toList();
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
     * Up to {@code limit} of the session's latest messages numbered here, oldest first: its turns
     * listed newest first, page by page, until the window is full and the moment of its oldest
     * message is passed (messages stored at one moment, by an older version of this class or by two
     * instances, are put in the order of their numbers).
     */
    private List<Memory> latestTurns(Scope scope, int limit) {
        List<Memory> found = new ArrayList<>();
        ListQuery q = ListQuery.of().withKinds(Set.of(Kind.TURN)).withLimit(Math.min(ListQuery.MAX_LIMIT, limit + SLACK));
        Instant oldest = null;
        reading:
        while (true) {
            MemoryPage page = loci.list(scope, q);
            for (Memory m : page.memories()) {
                if (oldest != null && m.occurredAt().isBefore(oldest)) {
                    break reading;
                }
                if (number(m, TURN_PREFIX) >= 0) {
                    found.add(m);
                    if (found.size() == limit) {
                        oldest = m.occurredAt();
                    }
                }
            }
            if (!page.hasMore()) {
                break;
            }
            q = q.after(page);
        }
        found.sort(Comparator.comparing(Memory::occurredAt).thenComparingLong(m -> number(m, TURN_PREFIX)));
        return List.copyOf(found.subList(Math.max(0, found.size() - limit), found.size()));
    }

    /** The number in a message's client id under the prefix ({@code lc4j-12}: 12), -1 for another message. */
    static long number(Memory m, String prefix) {
        String id = m.clientId();
        if (id == null || !id.startsWith(prefix) || id.length() == prefix.length() || id.length() > prefix.length() + 18) {
            return -1;
        }
        for (int i = prefix.length(); i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(id, prefix.length(), id.length(), 10);
    }

    private long turnCount(Scope scope) {
        return loci.count(scope, MemoryFilter.all().withKinds(Set.of(Kind.TURN)));
    }

    /** Now, or a microsecond after the last message stored by this instance if that is later. */
    private Instant stamp() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return lastStamp.updateAndGet(last -> now.isAfter(last) ? now : last.plus(1, ChronoUnit.MICROS));
    }

    private Message message(Turn t, String clientId) {
        return new Message(t.role(), t.speaker(), t.text(), stamp(), clientId,
                ChatMessages.SYSTEM.equals(t.role()) ? SYSTEM_MARK : null);
    }

    /** Builds a {@link LociChatMemoryStore}. {@link #loci(Loci)} is required. Not thread-safe. */
    public static final class Builder extends ScopedBuilder<Builder, Object> {
        private int maxMessages = DEFAULT_MAX_MESSAGES;

        private Builder() {
        }

        /** How many messages (besides the system message) {@link #getMessages} returns, 1..1000; default 20.
         * At least the {@code maxMessages} of the chat memory over it, which keeps no more than that. */
        public Builder maxMessages(int n) {
            this.maxMessages = inRange("maxMessages", n, 1, 1000);
            return this;
        }

        public LociChatMemoryStore build() {
            return new LociChatMemoryStore(this);
        }
    }
}
