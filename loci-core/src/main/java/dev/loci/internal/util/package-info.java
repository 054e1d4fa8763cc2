/**
 * Helpers every pipeline may use and that use no pipeline: memory ids (including the profile id),
 * index keys and date keys, default importance, text checks and striped locks. Depends on nothing
 * else under {@code dev.loci.internal}.
 */
package dev.loci.internal.util;
