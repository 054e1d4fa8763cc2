package dev.loci.examples.chat;

import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;

/** A stand-in chat model: keeps the last prompt it was sent (so a test can read it) and always answers "OK.". */
public class RecordingChatModel implements ChatModel {
    private volatile Prompt last;

    @Override
    public ChatResponse call(Prompt prompt) {
        last = prompt;
        return new ChatResponse(List.of(new Generation(new AssistantMessage("OK."))));
    }

    /** The last prompt sent, system message included. */
    public Prompt lastPrompt() {
        return last;
    }
}
