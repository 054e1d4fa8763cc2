package dev.loci.springai;

import dev.loci.ContextBlock;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.ai.chat.client.ChatClientMessageAggregator;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.chat.client.advisor.api.AdvisorChain;
import org.springframework.ai.chat.client.advisor.api.BaseAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Long-term memory for a {@code ChatClient}. Before the call, Loci's context block for the user's
 * message (the user's profile and the memories most useful for it, from all of the user's
 * conversations, within {@link Builder#tokenBudget(int) a token budget}) is appended to the system
 * prompt. After it, the exchange (the user's message and the reply) is remembered as two turns of the
 * conversation's session. Streaming calls remember the whole reply once the stream completes.
 *
 * <p>Per call: the conversation is the advisor param {@link ChatMemory#CONVERSATION_ID} (default
 * {@link #DEFAULT_CONVERSATION_ID}); the user is the param {@link #USER_ID}, else the
 * builder's fixed {@link Builder#userId(String) userId}. Without either the call fails with an
 * {@link InvalidInputException} naming {@code userId} (a tenant-wide context would mix users).
 *
 * <p>A retried call does not store the exchange twice: the turns' client ids derive from the
 * conversation, how many turns it held when the call started, and the user's text, or from the param
 * {@link #EXCHANGE_ID} when the application gives one (e.g. its request's idempotency key).
 *
 * <pre>{@code
 * ChatClient chat = ChatClient.builder(model)
 *         .defaultAdvisors(LociMemoryAdvisor.builder(loci).userId("alice").build())
 *         .build();
 * chat.prompt().user("I moved to Denver").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "chat-1")).call();
 * }</pre>
 *
 * Thread-safe.
 */
public final class LociMemoryAdvisor implements BaseAdvisor {
    /** Advisor param (and tool context entry) naming the user of a call. */
    public static final String USER_ID = "loci_user_id";
    /** Advisor param: an id for this exchange, so a retry of it is recognised. */
    public static final String EXCHANGE_ID = "loci_exchange_id";
    /** The default system prompt text around the context block; {@value #MEMORIES} is replaced by it. */
    public static final String DEFAULT_TEMPLATE = """
            What you remember about this user from earlier conversations (use it when relevant; \
            it may be incomplete):
            {memories}""";
    /** The placeholder of the template. */
    public static final String MEMORIES = "{memories}";
    /** The conversation of calls that name none (Spring AI 1.1's {@code ChatMemory.DEFAULT_CONVERSATION_ID}). */
    public static final String DEFAULT_CONVERSATION_ID = "default";
    private static final String ID_PREFIX = "spring-ai-exchange-";
    private static final String USER_TEXT = LociMemoryAdvisor.class.getName() + ".userText";
    private static final String EXCHANGE = LociMemoryAdvisor.class.getName() + ".exchange";
    private static final String STARTED = LociMemoryAdvisor.class.getName() + ".started";
    private static final MemoryFilter TURNS = MemoryFilter.all().withKinds(Set.of(Kind.TURN));

    private final Loci loci;
    private final UserScopes scopes;
    private final int tokenBudget;
    private final String template;
    private final boolean injectContext;
    private final boolean rememberExchanges;
    private final int order;
    private final Scheduler scheduler;
    private final Clock clock;

    private LociMemoryAdvisor(Builder b) {
        this.loci = b.loci;
        this.scopes = b.scopes;
        this.tokenBudget = b.tokenBudget;
        this.template = b.template;
        this.injectContext = b.injectContext;
        this.rememberExchanges = b.rememberExchanges;
        this.order = b.order;
        this.scheduler = b.scheduler;
        this.clock = b.clock;
    }

    public static Builder builder(Loci loci) {
        return new Builder(loci);
    }

    @Override
    public ChatClientRequest before(ChatClientRequest request, AdvisorChain chain) {
        UserMessage user = request.prompt().getUserMessage();
        String text = user == null ? null : user.getText();
        if (text == null || text.isBlank()) {
            return request;
        }
        Map<String, Object> context = request.context();
        Scope userScope = scopes.user(context);
        Map<String, Object> added = new HashMap<>();
        added.put(USER_TEXT, text);
        added.put(STARTED, clock.instant());
        if (rememberExchanges) {
            added.put(EXCHANGE, exchangeId(context, userScope.withSession(conversationId(context)), text));
        }
        var prompt = request.prompt();
        if (injectContext) {
            ContextBlock block = loci.context(userScope, text, tokenBudget);
            if (!block.text().isBlank()) {
                String memories = template.replace(MEMORIES, block.text());
                prompt = prompt.augmentSystemMessage(system -> system.mutate()
                        .text(system.getText() == null || system.getText().isBlank()
                                ? memories : system.getText() + "\n\n" + memories)
                        .build());
            }
        }
        return request.mutate().prompt(prompt).context(added).build();
    }

    @Override
    public ChatClientResponse after(ChatClientResponse response, AdvisorChain chain) {
        if (!rememberExchanges) {
            return response;
        }
        Map<String, Object> context = response.context();
        Object userText = context.get(USER_TEXT);
        if (userText == null) {
            return response;
        }
        Scope session = scopes.user(context).withSession(conversationId(context));
        String exchange = String.valueOf(context.get(EXCHANGE));
        Instant at = context.get(STARTED) instanceof Instant i ? i : clock.instant();
        List<dev.loci.Message> turns = new ArrayList<>(2);
        turns.add(ChatMessages.toLoci(ChatMessages.USER, session.userId(), userText.toString(), at,
                exchange + ":user"));
        String reply = replyText(response.chatResponse());
        if (reply != null && !reply.isBlank()) {
            Instant replied = clock.instant();
            turns.add(ChatMessages.toLoci(ChatMessages.ASSISTANT, session.userId(), reply,
                    replied.isAfter(at) ? replied : at.plus(1, ChronoUnit.MICROS), exchange + ":assistant"));
        }
        loci.remember(session, turns);
        return response;
    }

    /** Streaming: the context as for a call; the exchange remembered once, with the whole reply. */
    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        Flux<ChatClientResponse> responses = Mono.just(request).publishOn(scheduler)
                .map(r -> before(r, chain))
                .flatMapMany(chain::nextStream);
        return new ChatClientMessageAggregator().aggregateChatClientResponse(responses,
                whole -> after(whole, chain));
    }

    private static String replyText(ChatResponse response) {
        if (response == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Generation g : response.getResults()) {
            if (g.getOutput() != null && g.getOutput().getText() != null) {
                out.append(out.isEmpty() ? "" : "\n").append(g.getOutput().getText());
            }
        }
        return out.toString();
    }

    private static String conversationId(Map<String, Object> context) {
        Object id = context.get(ChatMemory.CONVERSATION_ID);
        if (id == null) {
            return DEFAULT_CONVERSATION_ID;
        }
        if (id.toString().isBlank()) {
            throw new InvalidInputException(ChatMemory.CONVERSATION_ID, "must not be blank");
        }
        return id.toString();
    }

    private String exchangeId(Map<String, Object> context, Scope session, String text) {
        Object given = context.get(EXCHANGE_ID);
        if (given != null && !given.toString().isBlank()) {
            return ID_PREFIX + given;
        }
        long before = loci.count(session, TURNS);
        return ChatMessages.clientId(ID_PREFIX, session.sessionId(), Long.toString(before), text);
    }

    @Override
    public String getName() {
        return "LociMemoryAdvisor";
    }

    @Override
    public int getOrder() {
        return order;
    }

    @Override
    public Scheduler getScheduler() {
        return scheduler;
    }

    /** Configures a {@link LociMemoryAdvisor}; setters validate at once. Not thread-safe. */
    public static final class Builder extends ScopedBuilder<Builder> {
        private int tokenBudget = 1000;
        private String template = DEFAULT_TEMPLATE;
        private boolean injectContext = true;
        private boolean rememberExchanges = true;
        private int order = Advisor.DEFAULT_CHAT_MEMORY_PRECEDENCE_ORDER;
        private Scheduler scheduler = BaseAdvisor.DEFAULT_SCHEDULER;
        private Clock clock = Clock.systemUTC();

        private Builder(Loci loci) {
            super(loci);
        }

        /** Most tokens the context block may take in the system prompt, 16..100000, default 1000. */
        public Builder tokenBudget(int tokens) {
            this.tokenBudget = inRange("tokenBudget", tokens, 16, 100_000);
            return this;
        }

        /** The text added to the system prompt; must contain {@value #MEMORIES}. */
        public Builder template(String text) {
            if (text == null || !text.contains(MEMORIES)) {
                throw new InvalidInputException("template", "must contain " + MEMORIES + ", was " + text);
            }
            this.template = text;
            return this;
        }

        /** Whether to add the context block before each call, default true. */
        public Builder injectContext(boolean on) {
            this.injectContext = on;
            return this;
        }

        /**
         * Whether to remember each exchange after the call, default true. Turn it off when the
         * conversation is already written by {@link LociChatMemoryRepository}.
         */
        public Builder rememberExchanges(boolean on) {
            this.rememberExchanges = on;
            return this;
        }

        /** Place in the advisor chain, default {@link Advisor#DEFAULT_CHAT_MEMORY_PRECEDENCE_ORDER}. */
        public Builder order(int order) {
            this.order = order;
            return this;
        }

        /** Where streaming calls run the blocking Loci calls, default {@link BaseAdvisor#DEFAULT_SCHEDULER}. */
        public Builder scheduler(Scheduler s) {
            this.scheduler = Objects.requireNonNull(s, "scheduler");
            return this;
        }

        /** The clock that dates remembered turns; the system clock by default. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public LociMemoryAdvisor build() {
            return new LociMemoryAdvisor(this);
        }
    }
}
