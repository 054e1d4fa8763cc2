package dev.loci.bench;

import dev.loci.spi.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic synthetic data. Chat turns read like short messages of varied length (8-40
 * words); structured vectors cluster around topics, and each memory's text uses its topic's
 * words, so both dense and BM25 search face realistic structure (random vectors would make ANN
 * recall meaningless).
 */
final class SyntheticChat {
    private static final String[] NAMES = {"Maya", "Tom", "Priya", "Lukas", "Ana", "Kenji", "Sara", "Omar"};
    private static final String[] OPENERS = {"I think", "Yesterday", "Honestly", "By the way", "Last week",
        "This morning", "Guess what,", "So", "Remember when", "Tomorrow"};
    private static final String[] VERBS = {"went to", "talked about", "finished", "started", "visited",
        "cooked", "bought", "painted", "fixed", "planned", "read about", "watched"};
    private static final String[] THINGS = {"the new bakery downtown", "a pottery class", "my sister's wedding",
        "the marathon training plan", "an old guitar", "the garden shed", "a trip to Kyoto", "the quarterly report",
        "a documentary about whales", "the kids' science fair", "a vegan lasagna", "the broken bike chain",
        "our book club", "a job interview", "the dog's vet visit", "a camping weekend"};
    private static final String[] TAILS = {"and it was better than expected", "with a few friends from work",
        "because the weather was perfect", "although I was really tired", "and I want to do it again soon",
        "which reminded me of our childhood", "and honestly it took forever", "before the rain started",
        "and we laughed the whole time", "but the traffic was terrible"};

    private SyntheticChat() {
    }

    /** {@code n} chat turns, 8 to 40 words, the same for the same seed. */
    static List<String> turns(int n, long seed) {
        var random = new Random(seed);
        var out = new ArrayList<String>(n);
        for (int i = 0; i < n; i++) {
            var sb = new StringBuilder();
            int clauses = 1 + random.nextInt(3);
            for (int c = 0; c < clauses; c++) {
                if (c > 0) {
                    sb.append(' ');
                }
                sb.append(pick(random, OPENERS)).append(' ').append(pick(random, NAMES)).append(' ')
                        .append(pick(random, VERBS)).append(' ').append(pick(random, THINGS)).append(' ')
                        .append(pick(random, TAILS)).append('.');
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String pick(Random r, String[] words) {
        return words[r.nextInt(words.length)];
    }

    /** Topic-structured vectors and texts for store-only benchmarks. */
    static final class Topics {
        private final float[][] centers;
        private final int dims;
        private final Random random;

        Topics(int topics, int dims, long seed) {
            this.dims = dims;
            this.random = new Random(seed);
            this.centers = new float[topics][];
            for (int t = 0; t < topics; t++) {
                centers[t] = gaussian(random, dims, 1.0f);
            }
        }

        int topics() {
            return centers.length;
        }

        /** A unit vector near the topic's center: center + noise of the given relative size. */
        Embedding vector(int topic, float noise) {
            return vector(topic, noise, random);
        }

        /** As {@link #vector(int, float)}, drawing the noise from {@code r}. */
        Embedding vector(int topic, float noise, Random r) {
            float[] v = gaussian(r, dims, noise);
            for (int i = 0; i < dims; i++) {
                v[i] += centers[topic][i];
            }
            return Embedding.normalized(v);
        }

        /** Text made of topic words ("t123w4") and common filler words. */
        String text(int topic, int words) {
            return text(topic, words, random);
        }

        /** As {@link #text(int, int)}, drawing the words from {@code random}. */
        String text(int topic, int words, Random random) {
            var sb = new StringBuilder();
            for (int i = 0; i < words; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                if (random.nextInt(3) == 0) {
                    sb.append(FILLER[random.nextInt(FILLER.length)]);
                } else {
                    sb.append('t').append(topic).append('w').append(random.nextInt(12));
                }
            }
            return sb.toString();
        }

        private static final String[] FILLER = {"today", "really", "friend", "went", "good", "time", "home",
            "work", "maybe", "later", "again", "nice", "plan", "long", "week", "little"};

        private static float[] gaussian(Random r, int dims, float scale) {
            float[] v = new float[dims];
            double norm = Math.sqrt(dims);
            for (int i = 0; i < dims; i++) {
                v[i] = (float) (r.nextGaussian() / norm * scale);
            }
            return v;
        }
    }
}
