package dev.loci.eval;

import dev.loci.LociException;
import java.nio.file.Path;

/** An evaluation file is malformed: names the file, the JSON path and the problem. */
public final class EvalDataException extends LociException {
    public EvalDataException(Path file, String where, String problem) {
        super(file + (where == null ? "" : ": " + where) + ": " + problem);
    }
}
