/**
 * Local embedding models run in-process with ONNX Runtime, loaded from the model jars on the
 * classpath (no download, no network). Entry point: {@link dev.loci.embed.onnx.OnnxEmbedder#create}.
 */
package dev.loci.embed.onnx;
