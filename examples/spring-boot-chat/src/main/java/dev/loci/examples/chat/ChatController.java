package dev.loci.examples.chat;

import dev.loci.LociException;
import dev.loci.springai.LociMemoryAdvisor;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /chat {"user": "alice", "conversation": "c1", "message": "..."}} answers {@code {"reply": "..."}}. */
@RestController
class ChatController {
    record ChatRequest(String user, String conversation, String message) {
    }

    record ChatReply(String reply) {
    }

    private final ChatClient chat;

    ChatController(ChatClient chat) {
        this.chat = chat;
    }

    @PostMapping("/chat")
    ChatReply chat(@RequestBody ChatRequest request) {
        if (request.message() == null || request.message().isBlank()) {
            throw new IllegalArgumentException("message: is required");
        }
        String reply = chat.prompt().user(request.message()).advisors(a -> {
            a.param(LociMemoryAdvisor.USER_ID, request.user() == null ? "" : request.user());
            if (request.conversation() != null) {
                a.param(ChatMemory.CONVERSATION_ID, request.conversation());
            }
        }).call().content();
        return new ChatReply(reply);
    }

    /** A missing user, an id that is too long...: 400 with Loci's message, which names the field. */
    @ExceptionHandler({LociException.class, IllegalArgumentException.class})
    ProblemDetail badRequest(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }
}
