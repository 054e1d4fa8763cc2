/**
 * What happens to memories after they are written: updates (new versions), forgets and purges with
 * the repairs of what was derived from them, retention (reinforcement, capacity, pinning) and the
 * expiry sweep. Depends on {@code hierarchy}, {@code facts} and {@code util}.
 */
package dev.loci.internal.lifecycle;
