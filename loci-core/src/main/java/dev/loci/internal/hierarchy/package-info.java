/**
 * The hierarchy above raw turns: {@link dev.loci.internal.hierarchy.EpisodeBuilder} groups a
 * conversation's turns into episodes, across remember calls through each conversation's open tail
 * ({@link dev.loci.internal.hierarchy.EpisodeTails}), and {@link dev.loci.internal.hierarchy.SessionTopicBuilder}
 * builds sessions and topics over them in the background. Depends on {@code util} only.
 */
package dev.loci.internal.hierarchy;
