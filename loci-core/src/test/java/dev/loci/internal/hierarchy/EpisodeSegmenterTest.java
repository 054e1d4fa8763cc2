package dev.loci.internal.hierarchy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.ConsolidationConfig;
import dev.loci.spi.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Event segmentation finds topic shifts in structured sequences and respects its length bounds. */
class EpisodeSegmenterTest {
    private static final ConsolidationConfig CONFIG = ConsolidationConfig.defaults();

    /** Turns drawn around topic centres: `lengths[i]` turns of topic i, in order. */
    private static List<Embedding> topics(long seed, int... lengths) {
        var r = new Random(seed);
        var out = new ArrayList<Embedding>();
        for (int lengthOfTopic : lengths) {
            float[] centre = new float[32];
            for (int d = 0; d < 32; d++) {
                centre[d] = (float) r.nextGaussian();
            }
            for (int i = 0; i < lengthOfTopic; i++) {
                float[] v = centre.clone();
                for (int d = 0; d < 32; d++) {
                    v[d] += (float) (0.3 * r.nextGaussian());
                }
                out.add(Embedding.normalized(v));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void findsTheTopicShifts(long seed) {
        assertEquals(List.of(0, 6, 13), EpisodeSegmenter.segment(topics(seed, 6, 7, 5), CONFIG));
    }

    @Test
    void oneTopicLongerThanTheMaximumIsCut() {
        List<Integer> starts = EpisodeSegmenter.segment(topics(9, 40), CONFIG);
        assertTrue(starts.size() >= 3, "40 turns with at most 16 per episode: " + starts);
        for (int i = 1; i < starts.size(); i++) {
            int len = starts.get(i) - starts.get(i - 1);
            assertTrue(len >= CONFIG.minEpisodeTurns() && len <= CONFIG.maxEpisodeTurns() + 1, "length " + len);
        }
    }

    @Test
    void emptyAndSingleInputs() {
        assertEquals(List.of(), EpisodeSegmenter.segment(List.of(), CONFIG));
        assertEquals(List.of(0), EpisodeSegmenter.segment(topics(1, 1), CONFIG));
    }
}
