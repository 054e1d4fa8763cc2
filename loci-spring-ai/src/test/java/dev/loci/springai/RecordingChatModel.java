package dev.loci.springai;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * A chat model that records every prompt it receives and answers with a fixed reply (streamed word
 * by word). Public for the Spring Boot starter's tests.
 */
public final class RecordingChatModel implements ChatModel {
    private final List<Prompt> prompts = new CopyOnWriteArrayList<>();
    private final String reply;

    public RecordingChatModel(String reply) {
        this.reply = reply;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        prompts.add(prompt);
        return new ChatResponse(List.of(new Generation(new AssistantMessage(reply))));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        prompts.add(prompt);
        String[] words = reply.split("(?<= )");
        return Flux.range(0, words.length).map(i -> new ChatResponse(List.of(new Generation(
                new AssistantMessage(words[i]),
                ChatGenerationMetadata.builder().finishReason(i == words.length - 1 ? "STOP" : null).build()))));
    }

    /** The last prompt received. */
    public Prompt last() {
        return prompts.getLast();
    }

    /** Everything the model was sent last, system prompt included, as one text. */
    public String lastText() {
        StringBuilder out = new StringBuilder();
        last().getInstructions().forEach(m -> out.append(m.getMessageType()).append(": ").append(m.getText()).append('\n'));
        return out.toString();
    }
}
