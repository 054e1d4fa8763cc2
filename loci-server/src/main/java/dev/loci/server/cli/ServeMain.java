package dev.loci.server.cli;

import picocli.CommandLine;

/**
 * {@code loci serve} as a process of its own, without the rest of the command line: what the crash
 * benchmark starts and kills. The command's exit code is the process's.
 */
public final class ServeMain {
    private ServeMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }
}
