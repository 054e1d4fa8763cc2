/**
 * The {@code loci} command: ingest conversation files, recall, inspect and evaluate; check,
 * repair, back up, export and import a data directory. Wiring is
 * explicit in {@link dev.loci.cli.Main}; exceptions map to messages and exit codes in one place.
 */
package dev.loci.cli;
