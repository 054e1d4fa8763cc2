package dev.loci.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.MemoryFilter;
import dev.loci.Scope;
import dev.loci.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * Random conversations through Spring AI's {@code MessageWindowChatMemory} (random window sizes, a
 * system message or not, replies that repeat, saves retried with the same window): every message is
 * stored exactly once, and the repository reads back the conversation's newest messages in order.
 */
class ChatMemoryRepositoryPropertyTest {
    private static final List<String> REPLIES = List.of("OK.", "Sure.", "Got it.");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void eachMessageIsStoredOnceAndTheWindowReadsBackInOrder(long seed) {
        Random random = new Random(seed);
        try (Loci loci = EmbeddedSpringAiTest.fakeEngine()) {
            var clock = new ManualClock(Instant.now());
            int window = 1 + random.nextInt(12);
            var repo = LociChatMemoryRepository.builder(loci).tenant("t").userId("u").window(window).clock(clock)
                    .build();
            var memory = MessageWindowChatMemory.builder().chatMemoryRepository(repo)
                    .maxMessages(2 + random.nextInt(9)).build();
            List<Message> history = new ArrayList<>();
            if (random.nextBoolean()) {
                var system = new SystemMessage("Be brief.");
                memory.add("c", system);
                history.add(system);
            }
            int exchanges = 5 + random.nextInt(15);
            for (int i = 0; i < exchanges; i++) {
                clock.advance(Duration.ofSeconds(1 + random.nextInt(30)));
                List<Message> pair = List.of(new UserMessage("question " + i + " from seed " + seed),
                        new AssistantMessage(REPLIES.get(random.nextInt(REPLIES.size()))));
                memory.add("c", pair);
                history.addAll(pair);
                if (random.nextInt(3) == 0) {
                    repo.saveAll("c", memory.get("c")); // a retried save of the same window
                }
            }
            long stored = loci.count(Scope.user("t", "u").withSession("c"),
                    MemoryFilter.all().withKinds(Set.of(Kind.TURN)));
            assertEquals(history.size(), stored, "seed " + seed);
            List<String> expected = history.subList(Math.max(0, history.size() - window), history.size()).stream()
                    .map(Message::getText).toList();
            assertEquals(expected, repo.findByConversationId("c").stream().map(Message::getText).toList(),
                    "seed " + seed);
        }
    }
}
