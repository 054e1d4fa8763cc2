package dev.loci.server.cli;

import picocli.CommandLine;

/** {@code loci serve} in a child JVM, as the CLI's Main runs it: the command's exit code is the process's. */
public final class ServeChild {
    private ServeChild() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }
}
