package dev.loci.cli;

import dev.loci.Message;
import java.util.List;

/**
 * Messages from an input file that belong to one session (sessionId null when the file has no
 * sessions). Each batch is remembered in one call.
 */
record ConversationBatch(String sessionId, List<Message> messages) {
    ConversationBatch {
        messages = List.copyOf(messages);
    }
}
