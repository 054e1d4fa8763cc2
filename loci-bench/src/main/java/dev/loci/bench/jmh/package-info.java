/**
 * JMH microbenchmarks of recall's hot paths: fusion, temporal expression parsing, the memory
 * record codec and filtered store search. Run with {@code ./loci bench jmh [REGEX]}; they are
 * not tests and the build never runs them.
 */
package dev.loci.bench.jmh;
