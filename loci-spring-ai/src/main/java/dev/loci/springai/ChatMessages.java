package dev.loci.springai;

import dev.loci.Memory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;

/** Spring AI messages to Loci messages and back, and the client ids that make writes idempotent. */
final class ChatMessages {
    static final String USER = "user";
    static final String ASSISTANT = "assistant";
    static final String SYSTEM = "system";

    private ChatMessages() {
    }

    /** Whether Loci keeps this message: text from the user, the assistant or the system (not tool traffic). */
    static boolean storable(Message m) {
        return m != null && role(m) != null && m.getText() != null && !m.getText().isBlank();
    }

    /** Loci's role for a Spring AI message type; null for tool responses. */
    static String role(Message m) {
        return switch (m.getMessageType()) {
            case USER -> USER;
            case ASSISTANT -> ASSISTANT;
            case SYSTEM -> SYSTEM;
            default -> null;
        };
    }

    /** A Loci message: role, speaker (the user's id for the user's turns), text, time and client id. */
    static dev.loci.Message toLoci(String role, String userId, String text, Instant at, String clientId) {
        return toLoci(role, userId, text, at, clientId, Map.of());
    }

    /** As {@link #toLoci(String, String, String, Instant, String)}, with metadata. */
    static dev.loci.Message toLoci(String role, String userId, String text, Instant at, String clientId,
                                   Map<String, String> metadata) {
        String speaker = USER.equals(role) ? userId : role;
        return new dev.loci.Message(role, speaker, text, at, clientId, metadata);
    }

    /** A stored turn as the Spring AI message of its role (a turn without a role reads as the user's). */
    static Message fromLoci(Memory m) {
        String role = m.role() == null ? USER : m.role();
        return switch (role) {
            case ASSISTANT -> new AssistantMessage(m.text());
            case SYSTEM -> new SystemMessage(m.text());
            default -> new UserMessage(m.text());
        };
    }

    /** Whether a stored turn and a Spring AI message say the same thing in the same role. */
    static boolean same(Memory stored, Message m) {
        String role = stored.role() == null ? USER : stored.role();
        return role.equals(role(m)) && stored.text().equals(m.getText());
    }

    static boolean isSystem(Message m) {
        return m.getMessageType() == MessageType.SYSTEM;
    }

    /** A client id from its parts: the same parts always give the same id, so a repeated write is skipped. */
    static String clientId(String prefix, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return prefix + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
