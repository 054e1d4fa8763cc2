package dev.loci.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.advisor.RetrievalAugmentationAdvisor;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;

/**
 * The Spring AI adapters against real Spring AI classes ({@code ChatClient}, advisors,
 * {@code MessageWindowChatMemory}, tool callbacks) over a chat model that records its prompts. Run
 * once on an embedded engine and once through loci-client against a real server.
 */
abstract class SpringAiAdapterContract {
    static final String TENANT = "acme";

    protected abstract Loci loci();

    /** A user and conversation ids no other test uses (the engine is shared by the class). */
    private static String fresh(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private long turns(Scope scope) {
        return loci().count(scope, MemoryFilter.all().withKinds(Set.of(Kind.TURN)));
    }

    private ChatClient chat(RecordingChatModel model, LociMemoryAdvisor advisor) {
        return ChatClient.builder(model).defaultAdvisors(advisor).build();
    }

    private static String say(ChatClient chat, String conversation, String text) {
        return chat.prompt().user(text).advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversation))
                .call().content();
    }

    @Test
    void whatTheUserSaidInAnEarlierConversationReachesTheSystemPromptOfALaterOne() {
        String alice = fresh("alice");
        var model = new RecordingChatModel("Noted.");
        var chat = chat(model, LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(alice).build());

        say(chat, fresh("monday"), "My sister Maya moved to Lisbon last spring and she teaches violin there.");
        assertFalse(model.lastText().contains("Lisbon was"), "nothing remembered before the first exchange");
        say(chat, fresh("friday"), "Which city does my sister Maya live in now?");

        Message system = model.last().getSystemMessage();
        assertTrue(system.getText().contains("Lisbon"), system.getText());
        assertTrue(system.getText().startsWith("What you remember about this user"), system.getText());
    }

    @Test
    void anotherUsersMemoriesNeverReachThePrompt() {
        var model = new RecordingChatModel("Noted.");
        String bob = fresh("bob");
        chat(model, LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(fresh("carol")).build())
                .prompt().user("My locker code is 4512 at the Riverside gym.").call().content();
        chat(model, LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(bob).build())
                .prompt().user("What is my locker code at the Riverside gym?").call().content();
        assertFalse(model.lastText().contains("4512"), model.lastText());
    }

    @Test
    void theUserCanBeGivenPerCallAndTheSystemPromptOfTheApplicationIsKept() {
        String dana = fresh("dana");
        var model = new RecordingChatModel("Sure.");
        var chat = chat(model, LociMemoryAdvisor.builder(loci()).tenant(TENANT).build());
        chat.prompt().user("I am training for the Berlin marathon in September.")
                .advisors(a -> a.param(LociMemoryAdvisor.USER_ID, dana)).call().content();
        chat.prompt().system("You are a running coach.").user("Which marathon am I training for?")
                .advisors(a -> a.param(LociMemoryAdvisor.USER_ID, dana)).call().content();
        String system = model.last().getSystemMessage().getText();
        assertTrue(system.startsWith("You are a running coach."), system);
        assertTrue(system.contains("Berlin marathon"), system);
        assertEquals(1, model.last().getUserMessages().size());
    }

    @Test
    void withoutAUserTheCallFailsNamingIt() {
        var chat = chat(new RecordingChatModel("-"), LociMemoryAdvisor.builder(loci()).tenant(TENANT).build());
        var e = assertThrows(InvalidInputException.class, () -> chat.prompt().user("hello").call().content());
        assertEquals("userId", e.field());
        assertTrue(e.getMessage().contains(LociMemoryAdvisor.USER_ID), e.getMessage());
    }

    @Test
    void theExchangeIsRememberedAsTwoTurnsOfTheConversationsSession() {
        String erin = fresh("erin");
        String conversation = fresh("c");
        var chat = chat(new RecordingChatModel("Lovely, enjoy Kyoto!"),
                LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(erin).build());
        say(chat, conversation, "We fly to Kyoto on the 3rd of May.");

        Scope session = Scope.user(TENANT, erin).withSession(conversation);
        List<Memory> stored = loci().recall(session, RecallQuery.of("Kyoto").withKinds(Set.of(Kind.TURN)))
                .results().stream().map(r -> r.memory()).sorted(Comparator.comparing(Memory::occurredAt)).toList();
        assertEquals(List.of("user", "assistant"), stored.stream().map(Memory::role).toList());
        assertEquals(List.of("We fly to Kyoto on the 3rd of May.", "Lovely, enjoy Kyoto!"),
                stored.stream().map(Memory::text).toList());
        assertEquals(erin, stored.getFirst().speaker());
    }

    @Test
    void aRetriedExchangeIsNotStoredTwice() {
        String frank = fresh("frank");
        String conversation = fresh("c");
        var chat = chat(new RecordingChatModel("OK."), LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(frank).build());
        for (int attempt = 0; attempt < 2; attempt++) {
            chat.prompt().user("Book the table for four people.").advisors(a -> a
                    .param(ChatMemory.CONVERSATION_ID, conversation).param(LociMemoryAdvisor.EXCHANGE_ID, "req-17"))
                    .call().content();
        }
        assertEquals(2, turns(Scope.user(TENANT, frank).withSession(conversation)));
        // without an exchange id, saying the same thing again later is a new exchange
        say(chat, conversation, "Book the table for four people.");
        assertEquals(4, turns(Scope.user(TENANT, frank).withSession(conversation)));
    }

    @Test
    void aStreamedReplyIsRememberedWholeOnceTheStreamEnds() {
        String gina = fresh("gina");
        String conversation = fresh("c");
        var model = new RecordingChatModel("Your dentist appointment is on Tuesday at nine.");
        var chat = chat(model, LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(gina).build());
        List<String> chunks = chat.prompt().user("When is my dentist appointment? I think it was Tuesday.")
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversation)).stream().content()
                .collectList().block(Duration.ofSeconds(30));
        assertTrue(chunks.size() > 1, "streamed in pieces: " + chunks);
        Scope session = Scope.user(TENANT, gina).withSession(conversation);
        assertEquals(2, turns(session));
        List<String> texts = loci().recall(session, RecallQuery.of("dentist Tuesday").withKinds(Set.of(Kind.TURN)))
                .results().stream().map(r -> r.memory().text()).toList();
        assertTrue(texts.contains("Your dentist appointment is on Tuesday at nine."), texts.toString());
    }

    @Test
    void theRepositoryBehindAWindowMemoryStoresEachMessageOnceAndReturnsTheWindowInOrder() {
        String hugo = fresh("hugo");
        String conversation = fresh("c");
        var repo = LociChatMemoryRepository.builder(loci()).tenant(TENANT).userId(hugo).window(6).build();
        var memory = MessageWindowChatMemory.builder().chatMemoryRepository(repo).maxMessages(4).build();
        var model = new RecordingChatModel("Got it.");
        var chat = ChatClient.builder(model).defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build(),
                LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(hugo).rememberExchanges(false).build()).build();
        List<String> said = List.of("I keep bees in my garden.", "The hives are near the apple trees.",
                "Last week one hive swarmed.", "I caught the swarm in a box.", "Now I have three hives.");
        for (String s : said) {
            say(chat, conversation, s);
        }
        Scope session = Scope.user(TENANT, hugo).withSession(conversation);
        assertEquals(10, turns(session), "each user message and reply stored once though the window was saved 10 times");

        // the window the model saw last: the previous 3 messages of the window memory, then the new one
        List<Message> lastPrompt = model.last().getInstructions();
        assertEquals("Now I have three hives.", lastPrompt.getLast().getText());
        assertTrue(lastPrompt.stream().anyMatch(m -> "I caught the swarm in a box.".equals(m.getText())), lastPrompt.toString());

        List<Message> window = repo.findByConversationId(conversation);
        assertEquals(6, window.size());
        assertEquals(List.of("Last week one hive swarmed.", "Got it.", "I caught the swarm in a box.", "Got it.",
                "Now I have three hives.", "Got it."), window.stream().map(Message::getText).toList());
        assertInstanceOf(UserMessage.class, window.get(0));
        assertInstanceOf(AssistantMessage.class, window.get(1));

        // handed the whole window again (a retry), or a shorter tail of it: nothing new is stored
        repo.saveAll(conversation, window);
        repo.saveAll(conversation, window.subList(3, 6));
        assertEquals(10, turns(session));
        // the same text said again after the window is new
        List<Message> more = new ArrayList<>(window);
        more.add(new UserMessage("Got it."));
        repo.saveAll(conversation, more);
        assertEquals(11, turns(session));
        assertEquals("Got it.", repo.findByConversationId(conversation).getLast().getText());
        assertInstanceOf(UserMessage.class, repo.findByConversationId(conversation).getLast());
    }

    @Test
    void aSystemMessageKeptAtTheFrontOfTheWindowIsNotStoredAgain() {
        String ines = fresh("ines");
        String conversation = fresh("c");
        var repo = LociChatMemoryRepository.builder(loci()).tenant(TENANT).userId(ines).build();
        var memory = MessageWindowChatMemory.builder().chatMemoryRepository(repo).maxMessages(3).build();
        memory.add(conversation, new SystemMessage("Answer in French."));
        for (int i = 1; i <= 4; i++) {
            memory.add(conversation, List.of(new UserMessage("question " + i), new AssistantMessage("réponse " + i)));
        }
        assertEquals(9, turns(Scope.user(TENANT, ines).withSession(conversation)));
        List<Message> window = memory.get(conversation);
        assertInstanceOf(SystemMessage.class, window.getFirst());
        assertEquals("réponse 4", window.getLast().getText());
    }

    @Test
    void readingTheWindowLeavesEveryTurnsRetentionAsItWas() {
        String lou = fresh("lou");
        String conversation = fresh("c");
        // the repository's window reaches back to the system message; the memory's keeps it and the newest three
        var repo = LociChatMemoryRepository.builder(loci()).tenant(TENANT).userId(lou).window(40).build();
        var memory = MessageWindowChatMemory.builder().chatMemoryRepository(repo).maxMessages(4).build();
        memory.add(conversation, new SystemMessage("Answer briefly."));
        for (int i = 1; i <= 15; i++) {
            memory.add(conversation, List.of(new UserMessage("note " + i + " about the allotment"),
                    new AssistantMessage("noted " + i)));
        }
        Scope session = Scope.user(TENANT, lou).withSession(conversation);
        // the system message, far behind the newest turns, is found again and not stored twice
        assertEquals(31, turns(session));

        List<Message> window = memory.get(conversation);
        assertInstanceOf(SystemMessage.class, window.getFirst());
        assertEquals("noted 15", window.getLast().getText());
        List<Message> read = repo.findByConversationId(conversation);
        assertEquals(31, read.size());
        assertEquals(List.of("note 15 about the allotment", "noted 15"),
                read.subList(29, 31).stream().map(Message::getText).toList());
        repo.saveAll(conversation, window);
        assertTrue(repo.findConversationIds().contains(conversation));
        assertEquals(31, turns(session));
        assertEquals(List.of(), accessCounts(session).stream().filter(c -> c != 0).toList(),
                "reading the window counts as no recall");

        // the same turns recalled do count: what is measured above can change
        loci().recall(session, RecallQuery.of("allotment").withKinds(Set.of(Kind.TURN)));
        assertTrue(accessCounts(session).stream().anyMatch(c -> c > 0), accessCounts(session).toString());
    }

    private List<Integer> accessCounts(Scope session) {
        return loci().list(session, ListQuery.of().withKinds(Set.of(Kind.TURN)).withLimit(ListQuery.MAX_LIMIT))
                .memories().stream().map(m -> m.lifecycle().accessCount()).toList();
    }

    @Test
    void aLongConversationStillReadsBackItsNewestWindow() {
        String jan = fresh("jan");
        String conversation = fresh("c");
        var clock = new ManualClock(Instant.now());
        var repo = LociChatMemoryRepository.builder(loci()).tenant(TENANT).userId(jan).window(10).clock(clock).build();
        List<Message> all = new ArrayList<>();
        for (int i = 1; i <= 130; i++) {
            all.add(i % 2 == 1 ? new UserMessage("message number " + i) : new AssistantMessage("message number " + i));
            clock.advance(Duration.ofSeconds(7));
            if (i % 10 == 0) {
                // ten new messages at a time, after the last four already stored
                repo.saveAll(conversation, all.subList(Math.max(0, all.size() - 14), all.size()));
            }
        }
        assertEquals(130, turns(Scope.user(TENANT, jan).withSession(conversation)));
        List<String> expected = all.subList(120, 130).stream().map(Message::getText).toList();
        assertEquals(expected, repo.findByConversationId(conversation).stream().map(Message::getText).toList());
    }

    @Test
    void deletingAConversationPurgesItsSessionOnly() {
        String kim = fresh("kim");
        String keep = fresh("keep");
        String drop = fresh("drop");
        var repo = LociChatMemoryRepository.builder(loci()).tenant(TENANT).userId(kim).build();
        repo.saveAll(keep, List.of(new UserMessage("My car is a green Volvo."), new AssistantMessage("Nice.")));
        repo.saveAll(drop, List.of(new UserMessage("My old password hint was Pluto."), new AssistantMessage("Ok.")));
        assertTrue(repo.findConversationIds().containsAll(List.of(keep, drop)), repo.findConversationIds().toString());

        repo.deleteByConversationId(drop);
        assertEquals(List.of(), repo.findByConversationId(drop));
        assertEquals(2, repo.findByConversationId(keep).size());
        assertEquals(0, loci().count(Scope.user(TENANT, kim).withSession(drop), MemoryFilter.all()));
        assertFalse(repo.findConversationIds().contains(drop));
    }

    @Test
    void theRepositoryRefusesABlankConversationIdNamingIt() {
        var repo = LociChatMemoryRepository.builder(loci()).tenant(TENANT).userId("u").build();
        var e = assertThrows(InvalidInputException.class, () -> repo.findByConversationId(" "));
        assertEquals("conversationId", e.field());
        var w = assertThrows(InvalidInputException.class, () -> LociChatMemoryRepository.builder(loci()).window(0));
        assertTrue(w.getMessage().contains("1..100"), w.getMessage());
    }

    @Test
    void theRetrieverFeedsRetrievalAugmentationWithTheUsersMemories() {
        String lena = fresh("lena");
        var writer = chat(new RecordingChatModel("Noted."), LociMemoryAdvisor.builder(loci()).tenant(TENANT).userId(lena).build());
        say(writer, fresh("c1"), "Our wedding anniversary is on the 14th of June.");
        say(writer, fresh("c2"), "The boiler service is due in November.");

        var retriever = LociDocumentRetriever.builder(loci()).tenant(TENANT).topK(3).build();
        List<Document> docs = retriever.retrieve(new Query("When is the wedding anniversary?", List.of(),
                Map.of(LociMemoryAdvisor.USER_ID, lena)));
        assertFalse(docs.isEmpty());
        Document top = docs.getFirst();
        assertEquals("Our wedding anniversary is on the 14th of June.", top.getText());
        assertEquals("TURN", top.getMetadata().get(LociDocumentRetriever.KIND));
        assertEquals("user", top.getMetadata().get(LociDocumentRetriever.ROLE));
        assertTrue(top.getScore() > 0);

        var model = new RecordingChatModel("On the 14th of June.");
        ChatClient.builder(model).defaultAdvisors(RetrievalAugmentationAdvisor.builder().documentRetriever(retriever).build())
                .build().prompt().user("When is the wedding anniversary?")
                .advisors(a -> a.param(LociMemoryAdvisor.USER_ID, lena)).call().content();
        String user = model.last().getUserMessage().getText();
        assertTrue(user.contains("14th of June"), user);
    }

    @Test
    void toolsLetTheModelRememberSearchAndForgetForItsUserOnly() {
        String max = fresh("max");
        ToolCallback[] callbacks = MethodToolCallbackProvider.builder()
                .toolObjects(new LociTools(loci(), TENANT)).build().getToolCallbacks();
        assertEquals(Set.of("search_memories", "remember", "forget_memory"),
                Set.copyOf(Arrays.stream(callbacks).map(c -> c.getToolDefinition().name()).toList()));
        ToolCallback remember = tool(callbacks, "remember");
        ToolCallback search = tool(callbacks, "search_memories");
        ToolCallback forget = tool(callbacks, "forget_memory");
        var ctx = new ToolContext(Map.of(LociMemoryAdvisor.USER_ID, max));

        String said = remember.call("{\"fact\": \"The user is allergic to hazelnuts.\"}", ctx);
        String id = said.replaceAll("^\"Remembered as (.+)\\.\"$", "$1");
        String found = search.call("{\"query\": \"allergic hazelnuts\", \"limit\": 3}", ctx);
        assertTrue(found.contains(id) && found.contains("allergic to hazelnuts"), found);

        var other = new ToolContext(Map.of(LociMemoryAdvisor.USER_ID, fresh("other")));
        assertEquals("\"No memories match.\"", search.call("{\"query\": \"allergic hazelnuts\"}", other));
        assertTrue(forget.call("{\"memoryId\": \"" + id + "\"}", other).startsWith("\"No memory"));
        assertEquals("\"Forgotten: " + id + ".\"", forget.call("{\"memoryId\": \"" + id + "\"}", ctx));
        assertFalse(search.call("{\"query\": \"allergic hazelnuts\"}", ctx).contains(id));
    }

    private static ToolCallback tool(ToolCallback[] callbacks, String name) {
        return Arrays.stream(callbacks).filter(c -> c.getToolDefinition().name().equals(name)).findFirst().orElseThrow();
    }
}
