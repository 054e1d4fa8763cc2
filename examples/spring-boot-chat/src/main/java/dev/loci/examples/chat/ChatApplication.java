package dev.loci.examples.chat;

import dev.loci.springai.LociMemoryAdvisor;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A chat service with long-term memory. The Loci starter opens the memory from application.yml and
 * makes the {@link LociMemoryAdvisor}; all this application does is put the advisor on its
 * {@link ChatClient}.
 */
@SpringBootApplication
public class ChatApplication {
    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }

    @Bean
    ChatClient chatClient(ChatModel model, LociMemoryAdvisor memory) {
        return ChatClient.builder(model).defaultSystem("You are a helpful assistant.").defaultAdvisors(memory).build();
    }

    /** Stands in for a real model (add spring-ai-starter-model-openai, or another, and delete this). */
    @Bean
    RecordingChatModel chatModel() {
        return new RecordingChatModel();
    }
}
