/**
 * A Java client of the Loci REST API ({@code loci-server}): {@link dev.loci.client.LociClient}
 * implements {@link dev.loci.Loci}, so code written against the interface runs against a remote
 * server unchanged. Only {@code java.net.http} and Jackson (through {@code loci-json}) underneath.
 */
package dev.loci.client;
