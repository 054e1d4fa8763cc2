package dev.loci.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.loci.Memory;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * LangChain4j messages to and from Loci turns. A turn keeps the role ({@code system}, {@code user},
 * {@code assistant}), the user's name as speaker, and the text. What is not a statement of the
 * conversation is not a turn: tool results, an assistant message that requests tools (whatever
 * text comes with the request), images without a caption.
 */
final class ChatMessages {
    static final String SYSTEM = "system";
    static final String USER = "user";
    static final String ASSISTANT = "assistant";

    private ChatMessages() {
    }

    /** A message as Loci keeps it. */
    record Turn(String role, String speaker, String text) {
        boolean sameAs(Turn other) {
            return role.equals(other.role) && text.equals(other.text);
        }

        static Turn of(Memory m) {
            return new Turn(m.role() == null ? USER : m.role(), m.speaker(), m.text());
        }
    }

    /** The turn this message is stored as, or empty for a message with no text of its own. */
    static Optional<Turn> turn(ChatMessage message) {
        String role;
        String speaker = null;
        String text;
        switch (message) {
            case SystemMessage s -> {
                role = SYSTEM;
                text = s.text();
            }
            case UserMessage u -> {
                role = USER;
                speaker = u.name();
                text = u.contents().stream().filter(TextContent.class::isInstance)
                        .map(c -> ((TextContent) c).text()).collect(Collectors.joining("\n"));
            }
            case AiMessage a -> {
                if (a.hasToolExecutionRequests()) {
                    return Optional.empty();
                }
                role = ASSISTANT;
                text = a.text();
            }
            default -> {
                return Optional.empty();
            }
        }
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(new Turn(role, speaker, text));
    }

    /** The LangChain4j message for a stored turn; an unknown role reads as the user's. */
    static ChatMessage message(Turn t) {
        return switch (t.role()) {
            case SYSTEM -> SystemMessage.from(t.text());
            case ASSISTANT, "ai" -> AiMessage.from(t.text());
            default -> t.speaker() == null ? UserMessage.from(t.text()) : UserMessage.from(t.speaker(), t.text());
        };
    }
}
