package dev.loci.springai;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.Message;

/**
 * A {@link ChatMemoryRepository} in Loci: each conversation is a Loci session of its user, each
 * message a turn, so what {@code MessageWindowChatMemory} keeps also becomes long-term memory
 * (episodes, facts, the user's profile) that later conversations recall.
 *
 * <p>{@code saveAll} is handed the whole window each time; only the messages that follow what is
 * already stored are written: the longest run at the start of the window that repeats the newest
 * stored turns is taken as stored, and a system message the window keeps from long ago is found among
 * the conversation's turns. Each new message gets a client id derived from the conversation, the turn
 * it follows and its position, so a retried or concurrent save of the same window writes nothing
 * twice. One ambiguity is resolved toward the retry: a window that only repeats the newest stored
 * turns (the same exchange said again, word for word, right after itself) stores nothing. Tool calls
 * and tool responses are not kept (no text of their own to remember).
 *
 * <p>{@code findByConversationId} returns the newest {@link Builder#window(int) window} turns, oldest
 * first, read with {@link Loci#list} (one listing: reading a window is not a recall, so it leaves the
 * retention of the turns as it was). {@code findConversationIds} lists the sessions of the fixed
 * {@link Builder#userId(String) user}, most recently active first, by listing all of the user's turns
 * a page of {@value TurnPages#PAGE} at a time (Loci has no call that lists sessions): fine for a
 * user's conversations, slow for a user with a very long history. System messages are stored with
 * the metadata {@code spring-ai=system}, so one kept at the front of a window is found by a listing
 * however long ago it was stored.
 *
 * <p>Do not also let {@link LociMemoryAdvisor} remember the same conversations (build it with
 * {@code rememberExchanges(false)}), or each exchange is stored twice. Thread-safe.
 */
public final class LociChatMemoryRepository implements ChatMemoryRepository {
    private static final String ID_PREFIX = "spring-ai-window-";
    /** Stored turns compared with a window beyond its own length: room for an old system message kept in it. */
    private static final int LOOK_BACK = 20;
    /** Largest {@link Builder#window(int) window}. */
    private static final int MAX_WINDOW = 100;
    /** Metadata of a stored system message, so it is found by a listing however old it is. */
    static final Map<String, String> SYSTEM_MARK = Map.of("spring-ai", "system");

    private final Loci loci;
    private final UserScopes scopes;
    private final Function<String, String> userOfConversation;
    private final int window;
    private final Clock clock;

    private LociChatMemoryRepository(Builder b) {
        this.loci = b.loci;
        this.scopes = b.scopes;
        this.userOfConversation = b.userOfConversation;
        this.window = b.window;
        this.clock = b.clock;
    }

    public static Builder builder(Loci loci) {
        return new Builder(loci);
    }

    @Override
    public List<String> findConversationIds() {
        if (scopes.defaultUserId() == null) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        TurnPages.newestFirst(loci, scopes.user(Map.of()), page -> {
            page.stream().map(m -> m.scope().sessionId()).filter(Objects::nonNull).forEach(ids::add);
            return true;
        });
        return List.copyOf(ids);
    }

    @Override
    public List<Message> findByConversationId(String conversationId) {
        return TurnPages.newest(loci, scope(conversationId), window).stream()
                .map(ChatMessages::fromLoci).toList();
    }

    @Override
    public void saveAll(String conversationId, List<Message> messages) {
        if (messages == null) {
            throw new InvalidInputException("messages", "must not be null");
        }
        Scope session = scope(conversationId);
        List<Message> given = messages.stream().filter(ChatMessages::storable).toList();
        if (given.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<Memory> stored = TurnPages.newest(loci, session, Math.min(TurnPages.PAGE, given.size() + LOOK_BACK));
        List<Message> fresh = unstored(session, given, stored);
        if (fresh.isEmpty()) {
            return;
        }
        String after = stored.isEmpty() ? "" : stored.getLast().id();
        // later than every stored turn and strictly increasing, so the window reads back in order
        Instant at = stored.isEmpty() || now.isAfter(stored.getLast().occurredAt())
                ? now : stored.getLast().occurredAt().plus(1, ChronoUnit.MICROS);
        String userId = session.userId();
        List<dev.loci.Message> out = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            Message m = fresh.get(i);
            String role = ChatMessages.role(m);
            String clientId = ChatMessages.clientId(ID_PREFIX, conversationId, after, Integer.toString(i), role,
                    m.getText());
            out.add(ChatMessages.toLoci(role, userId, m.getText(), at.plus(i, ChronoUnit.MICROS), clientId,
                    ChatMessages.SYSTEM.equals(role) ? SYSTEM_MARK : Map.of()));
        }
        loci.remember(session, out);
    }

    /**
     * The window's messages after those already stored. The window's earlier messages are the newest
     * stored turns (what {@link #findByConversationId} returned, the oldest evicted), so the longest
     * run of its user and assistant messages that ends the stored turns is taken as stored; a system
     * message counts as stored when the conversation holds it anywhere (a window keeps its system
     * message however old it is). The new messages start at the first that is neither.
     */
    private List<Message> unstored(Scope session, List<Message> given, List<Memory> stored) {
        List<Memory> said = stored.stream().filter(m -> !ChatMessages.SYSTEM.equals(m.role())).toList();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            if (!ChatMessages.isSystem(given.get(i))) {
                order.add(i);
            }
        }
        int matched = 0;
        for (int p = Math.min(order.size(), said.size()); p > 0 && matched == 0; p--) {
            boolean all = true;
            for (int k = 0; k < p && all; k++) {
                all = ChatMessages.same(said.get(said.size() - p + k), given.get(order.get(k)));
            }
            matched = all ? p : 0;
        }
        int firstNew = matched < order.size() ? order.get(matched) : given.size();
        for (int i = 0; i < firstNew; i++) {
            Message m = given.get(i);
            if (ChatMessages.isSystem(m) && !holdsSystemMessage(session, stored, m)) {
                firstNew = i;
            }
        }
        return given.subList(firstNew, given.size());
    }

    /**
     * Whether the conversation holds this system message: among the turns just read, else among its
     * marked system messages (listed, so their retention is untouched). A conversation stored before
     * system messages were marked holds none marked; only then is it searched with a recall.
     */
    private boolean holdsSystemMessage(Scope session, List<Memory> stored, Message m) {
        if (stored.stream().anyMatch(s -> ChatMessages.same(s, m))) {
            return true;
        }
        if (stored.isEmpty()) {
            return false;
        }
        boolean[] marked = {false};
        boolean[] found = {false};
        TurnPages.newestFirst(loci, session, SYSTEM_MARK, page -> {
            marked[0] |= !page.isEmpty();
            found[0] = page.stream().anyMatch(s -> ChatMessages.same(s, m));
            return !found[0];
        });
        if (marked[0]) {
            return found[0];
        }
        var query = RecallQuery.of(m.getText()).withKinds(Set.of(Kind.TURN)).withK(20);
        return loci.recall(session, query).results().stream().anyMatch(r -> ChatMessages.same(r.memory(), m));
    }

    @Override
    public void deleteByConversationId(String conversationId) {
        loci.purge(scope(conversationId));
    }

    private Scope scope(String conversationId) {
        if (conversationId == null || conversationId.isBlank()) {
            throw new InvalidInputException("conversationId", "must not be blank");
        }
        String user = userOfConversation.apply(conversationId);
        return scopes.conversation(user == null ? Map.of() : Map.of(LociMemoryAdvisor.USER_ID, user), conversationId);
    }

    /** Configures a {@link LociChatMemoryRepository}; setters validate at once. Not thread-safe. */
    public static final class Builder extends ScopedBuilder<Builder> {
        private Function<String, String> userOfConversation = id -> null;
        private int window = 20;
        private Clock clock = Clock.systemUTC();

        private Builder(Loci loci) {
            super(loci);
        }

        /**
         * The user a conversation belongs to, from its id (e.g. ids made as {@code "<user>:<chat>"});
         * when it answers null, the fixed {@link #userId} is used.
         */
        public Builder userOfConversation(Function<String, String> user) {
            this.userOfConversation = Objects.requireNonNull(user, "userOfConversation");
            return this;
        }

        /** How many of a conversation's newest messages it returns, 1..100, default 20. */
        public Builder window(int messages) {
            this.window = inRange("window", messages, 1, MAX_WINDOW);
            return this;
        }

        /** The clock that dates new turns; the system clock by default. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public LociChatMemoryRepository build() {
            return new LociChatMemoryRepository(this);
        }
    }
}
