/** {@code loci bench server}: throughput and latency of a real server on loopback under concurrent clients. */
package dev.loci.server.bench;
