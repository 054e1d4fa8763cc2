package dev.loci.cli;

import dev.loci.LociException;
import java.nio.file.Path;

/** A conversation file could not be read: names the file, the line or the field, and the problem. */
final class InputFileException extends LociException {
    InputFileException(Path file, String where, String problem) {
        super(file + (where == null || where.isEmpty() ? "" : ":" + where) + ": " + problem);
    }
}
