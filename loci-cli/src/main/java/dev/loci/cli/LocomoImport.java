package dev.loci.cli;

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
        for (var c : LocomoDataset.read(file, new LocomoDataset.Repairs())) {
            for (var s : c.sessions()) {
                String user = base.userId() != null ? base.userId() : c.sampleId();
                String session = base.userId() != null ? c.sampleId() + "/session_" + s.number() : "session_" + s.number();
                var scope = new Scope(base.tenant(), user, base.agentId(), session);
                batches.add(new IngestCommand.ScopedBatch(scope, LocomoBenchmark.messages(s, captions), file,
                        c.sampleId() + ".session_" + s.number()));
            }
        }
        return batches;
    }
}
