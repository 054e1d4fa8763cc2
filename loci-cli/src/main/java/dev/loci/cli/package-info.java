/**
 * The {@code loci} command: ingest conversation files, recall, inspect and evaluate. Wiring is
 * explicit in {@link dev.loci.cli.Main}; exceptions map to messages and exit codes in one place.
 */
package dev.loci.cli;
