package dev.loci.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Metadata;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LangChain4j adapters on real LangChain4j classes (AI services, MessageWindowChatMemory,
 * the tool machinery), against whichever {@link Loci} the subclass gives: the embedded engine, or
 * the client of a real server on loopback. Same bodies, same results.
 */
abstract class LangChain4jAdapterContract {
    static final String TENANT = "acme";
    private static final AtomicInteger USERS = new AtomicInteger();

    /** A user of its own for each test, so tests sharing one Loci never see each other's memories. */
    String user;

    protected abstract Loci loci();

    @BeforeEach
    void newUser() {
        user = "user-" + USERS.incrementAndGet();
    }

    interface Assistant {
        String chat(@MemoryId String conversation, @dev.langchain4j.service.UserMessage String message);
    }

    interface FriendlyAssistant {
        @dev.langchain4j.service.SystemMessage("You are a friendly assistant.")
        String chat(@MemoryId String conversation, @dev.langchain4j.service.UserMessage String message);
    }

    LociChatMemoryStore store() {
        return LociChatMemoryStore.builder().loci(loci()).tenant(TENANT).userId(user).build();
    }

    LociContentRetriever retriever() {
        return LociContentRetriever.builder().loci(loci()).tenant(TENANT).userId(user).maxResults(3).build();
    }

    long turns(String conversation) {
        return loci().count(new Scope(TENANT, user, null, conversation), MemoryFilter.all().withKinds(Set.of(Kind.TURN)));
    }

    <T> T assistant(Class<T> type, RecordingChatModel model, LociChatMemoryStore store) {
        return AiServices.builder(type).chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(4)
                        .chatMemoryStore(store).build())
                .contentRetriever(retriever())
                .storeRetrievedContentInChatMemory(false)
                .build();
    }

    @Test
    void whatTheUserSaidInAnEarlierConversationReachesThePromptOfALaterOne() {
        var model = new RecordingChatModel("Noted.");
        Assistant assistant = assistant(Assistant.class, model, store());

        assistant.chat("monday", "My sister Ana lives in Lisbon and keeps two cats.");
        assistant.chat("monday", "I am training for the Porto marathon in October.");
        assistant.chat("friday", "Which city does my sister Ana live in?");

        String prompt = model.lastPrompt();
        assertTrue(prompt.contains("My sister Ana lives in Lisbon"), prompt);
        // the later conversation's own window holds only its own messages: the memory came by recall
        List<ChatMessage> window = model.requests().getLast().messages();
        assertEquals(1, window.size(), prompt);
        assertInstanceOf(UserMessage.class, window.getFirst());
    }

    @Test
    void usersTakenFromTheMemoryIdKeepTheirMemoriesApart() {
        // one AI service for everyone: memory ids like "<user>/<conversation>"
        var store = LociChatMemoryStore.builder().loci(loci()).tenant(TENANT)
                .userId(id -> user + "-" + id.toString().split("/")[0]).build();
        var retriever = LociContentRetriever.builder().loci(loci()).tenant(TENANT)
                .userId(q -> user + "-" + q.metadata().chatMemoryId().toString().split("/")[0]).build();
        var model = new RecordingChatModel("Noted.");
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(6)
                        .chatMemoryStore(store).build())
                .contentRetriever(retriever).storeRetrievedContentInChatMemory(false).build();

        assistant.chat("ana/1", "My favourite colour is teal.");
        assistant.chat("ben/1", "My favourite colour is orange.");
        assistant.chat("ana/2", "What is my favourite colour?");
        assertTrue(model.lastPrompt().contains("teal"), model.lastPrompt());
        assertFalse(model.lastPrompt().contains("orange"), model.lastPrompt());
        assertEquals(2, loci().count(new Scope(TENANT, user + "-ana", null, "ana/1"),
                MemoryFilter.all().withKinds(Set.of(Kind.TURN))));
    }

    @Test
    void theStoreNeverDuplicatesTurnsWhenHandedTheWholeWindowRepeatedly() {
        var model = new RecordingChatModel("Noted.");
        var store = store();
        Assistant assistant = assistant(Assistant.class, model, store);
        for (int i = 1; i <= 5; i++) {
            assistant.chat("long", "Message number " + i + " of a long conversation.");
        }
        // 5 user messages and 5 replies, though the window (4) was handed over whole on every add
        assertEquals(10, turns("long"));
        // handing the same window again, or any window of what is stored, adds nothing
        List<ChatMessage> stored = store.getMessages("long");
        store.updateMessages("long", stored);
        store.updateMessages("long", stored.subList(4, stored.size()));
        assertEquals(10, turns("long"));
        List<String> texts = stored.stream().map(RecordingChatModel::text).toList();
        assertEquals("USER: Message number 1 of a long conversation.".toLowerCase(), texts.getFirst().toLowerCase());
        assertEquals("assistant: Noted.", texts.getLast());
        assertEquals(10, texts.size());
    }

    @Test
    void threadsHandingOverlappingWindowsOfOneConversationStoreEachMessageOnce() throws Exception {
        var store = store();
        List<ChatMessage> said = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            said.add(i % 2 == 0 ? UserMessage.from("Question " + i) : AiMessage.from("Answer " + i));
        }
        // each thread hands every growing window of the last 4 messages (as retries would, in any order)
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                done.add(pool.submit(() -> {
                    for (int n = 1; n <= said.size(); n++) {
                        store.updateMessages("race", said.subList(Math.max(0, n - 4), n));
                    }
                }));
            }
            for (var f : done) {
                f.get();
            }
        }
        assertEquals(12, turns("race"));
        assertEquals(said, store.getMessages("race"));
    }

    @Test
    void getMessagesReturnsTheRecentWindowInOrderWithTheRightTypes() {
        var store = LociChatMemoryStore.builder().loci(loci()).tenant(TENANT).userId(user).maxMessages(3).build();
        List<ChatMessage> window = new ArrayList<>();
        window.add(SystemMessage.from("Be brief."));
        window.add(UserMessage.from("Maya", "I moved to Denver."));
        window.add(AiMessage.from(List.of(ToolExecutionRequest.builder().id("1").name("lookup").arguments("{}").build())));
        window.add(ToolExecutionResultMessage.from("1", "lookup", "Denver, Colorado"));
        window.add(AiMessage.from("Welcome to Denver!"));
        window.add(UserMessage.from("Maya", "Thanks."));
        store.updateMessages("c1", window);

        List<ChatMessage> back = store.getMessages("c1");
        // the system message first, then the 3 latest of the 3 messages with text of their own
        assertEquals(List.of(SystemMessage.from("Be brief."), UserMessage.from("Maya", "I moved to Denver."),
                AiMessage.from("Welcome to Denver!"), UserMessage.from("Maya", "Thanks.")), back);
        assertEquals(4, turns("c1"));

        window.add(AiMessage.from("You're welcome."));
        store.updateMessages("c1", window);
        assertEquals(List.of(SystemMessage.from("Be brief."), AiMessage.from("Welcome to Denver!"),
                UserMessage.from("Maya", "Thanks."), AiMessage.from("You're welcome.")), store.getMessages("c1"));
    }

    @Test
    void aMessageSaidTwiceInARowIsKeptTwice() {
        var store = store();
        var memory = MessageWindowChatMemory.builder().id("yes").maxMessages(3).chatMemoryStore(store).build();
        memory.add(UserMessage.from("Shall we book it?"));
        memory.add(AiMessage.from("Yes."));
        memory.add(AiMessage.from("Yes."));
        memory.add(UserMessage.from("Great."));
        assertEquals(4, turns("yes"));
        assertEquals(List.of(AiMessage.from("Yes."), AiMessage.from("Yes."), UserMessage.from("Great.")),
                memory.messages());
    }

    @Test
    void aChangedSystemMessageReplacesTheOldOneAndAnUnchangedOneIsNotStoredAgain() {
        var model = new RecordingChatModel("Hello!");
        var store = store();
        FriendlyAssistant assistant = assistant(FriendlyAssistant.class, model, store);
        assistant.chat("s", "Hi there.");
        assistant.chat("s", "How are you?");
        assertEquals(5, turns("s")); // one system message, two exchanges
        assertEquals(SystemMessage.from("You are a friendly assistant."), store.getMessages("s").getFirst());

        var memory = MessageWindowChatMemory.builder().id("s").maxMessages(10).chatMemoryStore(store).build();
        memory.add(SystemMessage.from("You are a terse assistant."));
        assertEquals(6, turns("s"));
        List<ChatMessage> back = store.getMessages("s");
        assertEquals(SystemMessage.from("You are a terse assistant."), back.getFirst());
        assertEquals(1, back.stream().filter(SystemMessage.class::isInstance).count());
        assertEquals(5, back.size());
    }

    @Test
    void aNewStoreInstanceContinuesTheConversationWhereItStopped() {
        var model = new RecordingChatModel("Sure.");
        assistant(Assistant.class, model, store()).chat("resume", "Remind me to water the ferns.");
        // as after a restart, or on another instance sharing the server: nothing held in memory
        Assistant again = assistant(Assistant.class, model, store());
        again.chat("resume", "And the orchids too.");
        assertEquals(4, turns("resume"));
        List<ChatMessage> seen = model.requests().getLast().messages();
        assertEquals(List.of(UserMessage.from("Remind me to water the ferns."), AiMessage.from("Sure."),
                UserMessage.from("And the orchids too.")), seen);
    }

    @Test
    void aMessageForgottenElsewhereLeavesTheWindowAndAnotherInstancesMessagesEnterIt() {
        var store = store();
        store.updateMessages("shared", List.of(UserMessage.from("My locker is number 12."),
                AiMessage.from("Got it."), UserMessage.from("And my bike is blue.")));
        assertEquals(3, store.getMessages("shared").size());
        Scope session = new Scope(TENANT, user, null, "shared");
        String gotIt = loci().recall(session, dev.loci.RecallQuery.of("Got it.").withK(3)).results().stream()
                .filter(r -> r.memory().text().equals("Got it.")).findFirst().orElseThrow().memory().id();
        assertTrue(loci().forget(session, gotIt));
        assertEquals(List.of(UserMessage.from("My locker is number 12."), UserMessage.from("And my bike is blue.")),
                store.getMessages("shared"));

        // another instance (another server node, say) carries the conversation on
        store().updateMessages("shared", List.of(UserMessage.from("My locker is number 12."),
                UserMessage.from("And my bike is blue."), AiMessage.from("Noted both.")));
        assertEquals(AiMessage.from("Noted both."), store.getMessages("shared").getLast());
        store.updateMessages("shared", List.of(UserMessage.from("And my bike is blue."), AiMessage.from("Noted both."),
                UserMessage.from("Thanks.")));
        assertEquals(4, turns("shared"));
    }

    @Test
    void anExchangeInALongConversationReadsTheWindowOnceNotOnceAMessage() {
        Map<String, AtomicInteger> calls = new TreeMap<>();
        Loci target = loci();
        Loci counting = (Loci) Proxy.newProxyInstance(Loci.class.getClassLoader(), new Class<?>[] {Loci.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        var store = LociChatMemoryStore.builder().loci(counting).tenant(TENANT).userId(user).build();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(new RecordingChatModel("Fine."))
                .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(20)
                        .chatMemoryStore(store).build())
                .build();
        for (int i = 0; i < 15; i++) {
            assistant.chat("long", "Message " + i);
        }
        calls.clear();
        assistant.chat("long", "One more.");
        // a count per read of the window and one remember per new message: no look-up per message
        assertEquals(null, calls.get("get"), calls.toString());
        assertEquals(2, calls.get("remember").get(), calls.toString());
        assertTrue(calls.get("count").get() <= 8, calls.toString());
        assertEquals(32, turns("long"));
    }

    @Test
    void deleteMessagesForgetsOneConversationAndKeepsTheOthers() {
        var store = store();
        store.updateMessages("keep", List.of(UserMessage.from("My passport number ends in 42.")));
        store.updateMessages("drop", List.of(UserMessage.from("My bank PIN is 1234."), AiMessage.from("Please don't share that.")));
        store.deleteMessages("drop");
        assertEquals(0, turns("drop"));
        assertEquals(List.of(), store.getMessages("drop"));
        assertEquals(1, turns("keep"));
        assertTrue(retriever().retrieve(Query.from("What is my bank PIN?")).stream()
                .noneMatch(c -> c.textSegment().text().contains("1234")));
    }

    @Test
    void retrievedContentCarriesTheMemoryAndLeavesOutSystemMessagesAndOtherUsers() {
        store().updateMessages("trip", List.of(SystemMessage.from("You plan trips about Kyoto."),
                UserMessage.from("I want to see the temples of Kyoto in spring."), AiMessage.from("Lovely plan.")));
        LociChatMemoryStore.builder().loci(loci()).tenant(TENANT).userId(user + "-other").build()
                .updateMessages("trip", List.of(UserMessage.from("I never want to visit Kyoto temples.")));

        Query query = Query.from("When do I want to see the Kyoto temples?",
                Metadata.from(UserMessage.from("When do I want to see the Kyoto temples?"), "later", List.of()));
        List<Content> found = retriever().retrieve(query);

        assertFalse(found.isEmpty());
        Content first = found.getFirst();
        assertEquals("I want to see the temples of Kyoto in spring.", first.textSegment().text());
        var md = first.textSegment().metadata();
        assertEquals("TURN", md.getString("kind"));
        assertEquals("user", md.getString("role"));
        assertEquals("trip", md.getString("session_id"));
        assertTrue(md.getString("memory_id").startsWith("m"), md.toString());
        assertTrue(md.getDouble("score") > 0);
        assertTrue(md.getString("occurred_at").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), md.toString());
        assertEquals(md.getString("memory_id"), first.metadata().get(ContentMetadata.EMBEDDING_ID));
        assertEquals(md.getDouble("score"), (Double) first.metadata().get(ContentMetadata.SCORE));
        assertTrue(found.stream().noneMatch(c -> c.textSegment().text().contains("You plan trips")), found.toString());
        assertTrue(found.stream().noneMatch(c -> c.textSegment().text().contains("never")), found.toString());
    }

    @Test
    void retrieverSettingsNarrowWhatComesBack() {
        store().updateMessages("a", List.of(UserMessage.from("My favourite tea is genmaicha.")));
        store().updateMessages("b", List.of(UserMessage.from("I drink genmaicha tea every morning.")));
        Query inB = Query.from("genmaicha tea", Metadata.from(UserMessage.from("genmaicha tea"), "b",
                List.of(UserMessage.from("I drink genmaicha tea every morning."))));

        var all = LociContentRetriever.builder().loci(loci()).tenant(TENANT).userId(user).build().retrieve(inB);
        // the message already in the window is left out: it is in the prompt anyway
        assertEquals(List.of("My favourite tea is genmaicha."), all.stream().map(c -> c.textSegment().text()).toList());

        var sessionOnly = LociContentRetriever.builder().loci(loci()).tenant(TENANT).userId(user)
                .currentSessionOnly(true).build().retrieve(Query.from("genmaicha tea",
                        Metadata.from(UserMessage.from("genmaicha tea"), "b", List.of())));
        assertEquals(List.of("I drink genmaicha tea every morning."),
                sessionOnly.stream().map(c -> c.textSegment().text()).toList());

        var strict = LociContentRetriever.builder().loci(loci()).tenant(TENANT).userId(user).minScore(100).build();
        assertEquals(List.of(), strict.retrieve(inB));
        assertThrows(InvalidInputException.class, () -> LociContentRetriever.builder().maxResults(0));
        var e = assertThrows(InvalidInputException.class, () -> LociContentRetriever.builder().loci(loci()).build());
        assertEquals("userId", e.field());
    }

    @Test
    void aContextBlockWithinATokenBudgetCanStandForTheMemories() {
        store().updateMessages("pets", List.of(UserMessage.from("We adopted a greyhound called Biscuit."),
                AiMessage.from("What a lovely name."), UserMessage.from("Biscuit sleeps on the sofa all day.")));
        var retriever = LociContentRetriever.builder().loci(loci()).tenant(TENANT).userId(user)
                .contextTokens(60).build();
        List<Content> found = retriever.retrieve(Query.from("What is my dog called?"));
        assertEquals(1, found.size());
        var md = found.getFirst().textSegment().metadata();
        assertEquals("CONTEXT", md.getString("kind"));
        assertTrue(md.getInteger("tokens") > 0 && md.getInteger("tokens") <= 60, md.toString());
        assertTrue(found.getFirst().textSegment().text().contains("Biscuit"), found.getFirst().textSegment().text());
        assertFalse(md.getString("memory_ids").isEmpty());
        assertEquals(List.of(), LociContentRetriever.builder().loci(loci()).tenant(TENANT).userId(user + "-nobody")
                .contextTokens(60).build().retrieve(Query.from("What is my dog called?")));
    }

    @Test
    void theModelRemembersSearchesAndForgetsThroughTheTools() {
        var model = new RecordingChatModel("Done.");
        var tools = LociTools.builder().loci(loci()).tenant(TENANT).userId(user).build();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(10)
                        .chatMemoryStore(store()).build())
                .tools(tools).build();

        model.callToolNext("rememberFact", "{\"fact\": \"The user is allergic to peanuts.\"}");
        assistant.chat("kitchen", "Please keep in mind that I am allergic to peanuts.");
        String remembered = lastToolResult(model);
        assertTrue(remembered.startsWith("Remembered as m"), remembered);
        // the tool request and its result are not turns: the user's message and the reply (the fact is the user's)
        assertEquals(2, turns("kitchen"));

        model.callToolNext("searchMemories", "{\"query\": \"peanuts allergy\"}");
        assistant.chat("menu", "Can I eat satay?");
        String found = lastToolResult(model);
        assertTrue(found.contains("The user is allergic to peanuts."), found);
        String id = remembered.substring("Remembered as ".length(), remembered.length() - 1);
        assertTrue(found.contains("[" + id + "]"), found);

        model.callToolNext("forgetMemory", "{\"id\": \"" + id + "\"}");
        assistant.chat("menu", "Forget about the allergy, it was a mistake.");
        assertEquals("Forgotten.", lastToolResult(model));
        assertFalse(tools.searchMemories("menu", "peanuts allergy").contains("The user is allergic"));
        assertTrue(tools.forgetMemory("menu", id).startsWith("No memory with id"));
        assertEquals("Error: query must not be blank.", tools.searchMemories("menu", " "));
        // another user cannot forget this user's memories
        String mine = tools.rememberFact("x", "The user's locker code is 0451.");
        String mineId = mine.substring("Remembered as ".length(), mine.length() - 1);
        var other = LociTools.builder().loci(loci()).tenant(TENANT).userId(user + "-other").build();
        assertTrue(other.forgetMemory("x", mineId).startsWith("No memory with id"));
        assertTrue(tools.rememberFact("x", "The user's locker code is 0451.").startsWith("Already remembered as " + mineId));
    }

    private static String lastToolResult(RecordingChatModel model) {
        for (var request : model.requests().reversed()) {
            for (var m : request.messages().reversed()) {
                if (m instanceof ToolExecutionResultMessage r) {
                    return r.text();
                }
            }
        }
        throw new AssertionError("no tool was called");
    }

    @Test
    void badInputIsRefusedInTheCallersTerms() {
        var store = store();
        var e = assertThrows(InvalidInputException.class, () -> store.getMessages(" "));
        assertEquals("memoryId", e.field());
        e = assertThrows(InvalidInputException.class, () -> store.updateMessages("c", null));
        assertEquals("messages", e.field());
        e = assertThrows(InvalidInputException.class,
                () -> LociChatMemoryStore.builder().loci(loci()).tenant(" ").userId("u").build());
        assertEquals("scope.tenant", e.field());
        var noUser = LociChatMemoryStore.builder().loci(loci()).tenant(TENANT).userId(id -> null).build();
        e = assertThrows(InvalidInputException.class, () -> noUser.getMessages("c"));
        assertEquals("userId", e.field());
        // a window with nothing of its own to keep (only a tool result) is not an error and adds nothing
        store.updateMessages("c", List.of(ToolExecutionResultMessage.from("1", "t", "42")));
        assertEquals(0, turns("c"));
    }
}
