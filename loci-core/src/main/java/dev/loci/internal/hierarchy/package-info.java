/**
 * The hierarchy above raw turns: {@link dev.loci.internal.hierarchy.EpisodeBuilder} groups one
 * remember call's turns into episodes, and {@link dev.loci.internal.hierarchy.SessionTopicBuilder}
 * builds sessions and topics over them in the background. Depends on {@code util} only.
 */
package dev.loci.internal.hierarchy;
