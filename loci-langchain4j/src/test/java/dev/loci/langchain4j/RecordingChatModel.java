package dev.loci.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A chat model for tests: records every request it receives and answers with a fixed text, or, when
 * a tool call is scripted for the next user message, asks for that tool first and answers once the
 * result is back.
 */
final class RecordingChatModel implements ChatModel {
    private final String reply;
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ToolExecutionRequest> scriptedCalls = new ArrayList<>();

    RecordingChatModel(String reply) {
        this.reply = reply;
    }

    /** The next user message is answered by calling this tool (arguments as JSON) before the text reply. */
    synchronized void callToolNext(String name, String argumentsJson) {
        scriptedCalls.add(ToolExecutionRequest.builder().id("call-" + scriptedCalls.size()).name(name)
                .arguments(argumentsJson).build());
    }

    @Override
    public synchronized ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        ChatMessage last = request.messages().getLast();
        if (!(last instanceof ToolExecutionResultMessage) && !scriptedCalls.isEmpty()) {
            return ChatResponse.builder().aiMessage(AiMessage.from(List.of(scriptedCalls.removeFirst()))).build();
        }
        return ChatResponse.builder().aiMessage(AiMessage.from(reply)).build();
    }

    List<ChatRequest> requests() {
        return requests;
    }

    /** Every message of the last request, as text, one per line: what the model was shown. */
    String lastPrompt() {
        return requests.getLast().messages().stream().map(RecordingChatModel::text)
                .collect(Collectors.joining("\n"));
    }

    static String text(ChatMessage m) {
        return ChatMessages.turn(m).map(t -> t.role() + ": " + t.text())
                .orElseGet(() -> m.type() + ": " + (m instanceof ToolExecutionResultMessage r ? r.text() : ""));
    }
}
