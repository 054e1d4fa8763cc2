/**
 * The evaluation harness: retrieval quality and speed of Loci's public API on LoCoMo and on
 * files in the LongMemEval format, written as {@code report.md} and {@code report.json}.
 * Entry points: {@link dev.loci.eval.LocomoBenchmark} and {@link dev.loci.eval.LongMemEvalBenchmark}.
 * Data is read by path; nothing of it is bundled.
 */
package dev.loci.eval;
