package dev.loci.embed.onnx;

import dev.loci.LociException;

/** The embedding model could not be loaded or run. Not retriable. */
public final class EmbeddingException extends LociException {
    EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
