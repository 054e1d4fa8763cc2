package dev.loci.spi;

import dev.loci.Memory;

/** A memory found by one search signal, with that signal's raw score (higher is better). */
public record StoreHit(Memory memory, double score) {
}
