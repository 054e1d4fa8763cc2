package dev.loci.cli;

import dev.loci.InvalidInputException;
import dev.loci.Message;
import dev.loci.Scope;
import dev.loci.eval.LocomoBenchmark;
import dev.loci.eval.LocomoDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ingests a LoCoMo file the way the evaluation does: each conversation under its own user (its
 * sample id) unless {@code --user} is given, one session per batch.
 */
final class LocomoImport {
    private LocomoImport() {
    }

    static List<IngestCommand.ScopedBatch> read(Path file, Scope base, boolean captions) {
        var batches = new ArrayList<IngestCommand.ScopedBatch>();
        List<LocomoDataset.Conversation> conversations = LocomoDataset.read(file, new LocomoDataset.Repairs());
        for (int i = 0; i < conversations.size(); i++) {
            var c = conversations.get(i);
            for (var s : c.sessions()) {
                String where = "[" + i + "].conversation.session_" + s.number();
                String user = base.userId() != null ? base.userId() : c.sampleId();
                String session = base.userId() != null ? c.sampleId() + "/session_" + s.number() : "session_" + s.number();
                Scope scope;
                try {
                    scope = new Scope(base.tenant(), user, base.agentId(), session);
                } catch (InvalidInputException e) {
                    throw new InputFileException(file, "[" + i + "].sample_id", "not usable as a user or session id: "
                            + e.getMessage());
                }
                List<Message> messages = LocomoBenchmark.messages(s, captions);
                for (int t = 0; t < messages.size(); t++) {
                    Message m = messages.get(t);
                    if (m.text().isBlank()) {
                        throw new InputFileException(file, where + "[" + t + "]", "field 'text' is empty");
                    }
                    ConversationFiles.check(m, file, where + "[" + t + "]", "dia_id");
                }
                batches.add(new IngestCommand.ScopedBatch(scope, messages));
            }
        }
        return batches;
    }
}
