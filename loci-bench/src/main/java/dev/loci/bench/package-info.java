/**
 * Speed benchmarks of the embedded engine, run with {@code ./loci bench ...}: ingest throughput
 * next to the embedder's own, recall latency at growing store sizes, durability modes, and
 * footprint. Results go to docs/BENCHMARKS.md with the command that produced them.
 */
package dev.loci.bench;
