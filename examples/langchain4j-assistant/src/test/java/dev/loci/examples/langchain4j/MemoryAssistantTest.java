package dev.loci.examples.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.loci.Loci;
import dev.loci.embedded.EmbeddedLoci;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assistant on an embedded Loci with its real embedding model, and a chat model that records its prompts. */
class MemoryAssistantTest {
    /** Stands in for an LLM: answers "OK." and keeps every request it was sent. */
    static final class RecordingModel implements ChatModel {
        final List<ChatRequest> requests = new ArrayList<>();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            return ChatResponse.builder().aiMessage(AiMessage.from("OK.")).build();
        }

        /** The user message of the last request, with what was recalled for it. */
        String lastUserMessage() {
            List<ChatMessage> messages = requests.getLast().messages();
            return ((UserMessage) messages.getLast()).singleText();
        }
    }

    @Test
    void whatTheUserSaidLastWeekReachesThePromptOfANewConversation(@TempDir Path dataDir) {
        var model = new RecordingModel();
        try (Loci loci = EmbeddedLoci.open(dataDir)) {
            var assistant = MemoryAssistant.create(loci, model, "maya");

            assistant.chat("last-week", "We adopted a greyhound called Biscuit.");
            assistant.chat("last-week", "I'm also learning to play the cello.");
            assistant.chat("today", "What should I buy for my dog's birthday?");

            String prompt = model.lastUserMessage();
            assertTrue(prompt.contains("We adopted a greyhound called Biscuit."), prompt);
            // today's conversation started empty: the system message and the question only
            assertEquals(2, model.requests.getLast().messages().size());

            // another user of the same Loci knows nothing of it
            MemoryAssistant.create(loci, model, "sam").chat("first", "What should I buy for my dog's birthday?");
            assertFalse(model.lastUserMessage().contains("Biscuit"), model.lastUserMessage());
        }
    }
}
