/**
 * The embedded defaults, wired: the local ONNX embedding model and the Lucene store in one data
 * directory. Entry point: {@link dev.loci.embedded.EmbeddedLoci#open(java.nio.file.Path)}.
 */
package dev.loci.embedded;
