package dev.loci.examples.langchain4j;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import dev.loci.Loci;
import dev.loci.langchain4j.LociChatMemoryStore;
import dev.loci.langchain4j.LociContentRetriever;
import dev.loci.langchain4j.LociTools;

/** An AI service whose conversations are kept in Loci, and which recalls the user's earlier ones. */
public final class MemoryAssistant {
    /** What the application calls: one conversation per id, as many as it likes. */
    public interface Assistant {
        @SystemMessage("You are a helpful assistant. Use what you remember about the user.")
        String chat(@MemoryId String conversationId, @UserMessage String message);
    }

    private MemoryAssistant() {
    }

    /**
     * The assistant of one user. {@code loci} is an embedded engine ({@code EmbeddedLoci.open(dir)})
     * or a client of a Loci server ({@code LociClient}); {@code model} any LangChain4j chat model.
     */
    public static Assistant create(Loci loci, ChatModel model, String userId) {
        // the recent messages of each conversation, kept in Loci (each new message once)
        var store = LociChatMemoryStore.builder().loci(loci).userId(userId).build();
        // what the user said in any conversation, recalled for each new message
        var retriever = LociContentRetriever.builder().loci(loci).userId(userId).maxResults(5).build();
        // search, remember and forget, for the model to call on its own
        var tools = LociTools.builder().loci(loci).userId(userId).build();

        return AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.builder()
                        .id(id).maxMessages(20).chatMemoryStore(store).build())
                .contentRetriever(retriever)
                .storeRetrievedContentInChatMemory(false) // remember what the user said, not what was recalled
                .tools(tools)
                .build();
    }
}
