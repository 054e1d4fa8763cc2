package dev.loci.internal.hierarchy;

import dev.loci.spi.Embedding;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest closed episodes of a conversation, as their turns' vectors with the episodes' start
 * offsets: the segmenter replays them before a conversation's open tail, so its recent novelties
 * are those it has when the whole conversation is segmented in one run ({@link EpisodeSegmenter}),
 * and a conversation remembered a message at a time gets the same boundaries. Immutable.
 *
 * @param vectors the turns' vectors, oldest first
 * @param starts  the episodes' start offsets in {@code vectors}, the first 0 (empty when there are none)
 */
public record Primer(List<Embedding> vectors, List<Integer> starts) {
    /** No episode before: the segmenter starts afresh (a new conversation, or after a silence). */
    public static final Primer NONE = new Primer(List.of(), List.of());

    public Primer {
        vectors = List.copyOf(vectors);
        starts = List.copyOf(starts);
        if (vectors.isEmpty() != starts.isEmpty() || (!starts.isEmpty() && starts.get(0) != 0)) {
            throw new IllegalArgumentException("starts must begin at 0 exactly when there are vectors");
        }
    }

    public boolean isEmpty() {
        return vectors.isEmpty();
    }

    /** This primer followed by one more episode, keeping only as many whole episodes, from the end, as cover {@code turns} turns. */
    Primer then(List<Embedding> episode, int turns) {
        var v = new ArrayList<Embedding>(vectors);
        var s = new ArrayList<Integer>(starts);
        s.add(v.size());
        v.addAll(episode);
        int cut = 0;
        for (int i = s.size() - 1; i >= 0; i--) {
            if (v.size() - s.get(i) >= turns) {
                cut = s.get(i);
                break;
            }
        }
        int from = cut;
        return new Primer(v.subList(from, v.size()), s.stream().filter(x -> x >= from).map(x -> x - from).toList());
    }
}
