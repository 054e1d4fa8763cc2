package dev.loci.mcp;

import dev.loci.LociException;

/** A tool argument that is missing, of the wrong type or out of range. Becomes an MCP error result. */
final class ToolArgumentException extends LociException {
    private final String argument;

    ToolArgumentException(String argument, String problem) {
        super("argument '" + argument + "' " + problem);
        this.argument = argument;
    }

    String argument() {
        return argument;
    }
}
