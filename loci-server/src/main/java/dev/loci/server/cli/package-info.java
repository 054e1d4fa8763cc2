/**
 * Picocli commands for the server: {@code loci serve} and {@code loci keys}. The CLI's {@code Main}
 * registers them; they hold all of their logic here, next to the server they drive.
 */
package dev.loci.server.cli;
