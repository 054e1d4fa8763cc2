package dev.loci.internal.recall;

import dev.loci.spi.StoreHit;
import java.util.List;

/**
 * Score-aware fusion: a convex combination of each list's scores, normalised within the list so
 * that lists of different scales can be added. Reciprocal rank fusion keeps only ranks, so a
 * candidate that one signal finds far better than the rest gains no more than one that barely
 * leads; here it does.
 *
 * <p>Normalisation follows what each score means. BM25 has a natural zero (no query word
 * matched), so its scores are divided by the list's top score: a list whose scores are all
 * close (every candidate matched the same common word, such as a speaker's name) gives every
 * candidate nearly the same share and leaves the order to the other signal. A cosine has no
 * natural zero and is not comparable across queries, but within one query a gap in cosine means
 * the same however many memories there are: recall's default puts dense scores on a fixed span
 * below the best candidate ({@link Normalisation#SPAN}), where min-max within the candidate list
 * ({@link Normalisation#MIN_MAX}) would stretch the list's range, which narrows as a history
 * grows, to 0..1. A memory missing from a list
 * gains nothing from it.
 *
 * <p>A memory gains {@code weight x normalised score} from each list; the weights are used as
 * given (the caller's lexical and dense weights), so with both at 1 the fused score is in 0..2.
 * Ties break on the best single rank, then on id; equal scores in one list share a rank, so
 * the order two memories were written in never decides between them. Stateless.
 */
public final class ScoreFusion {
    private ScoreFusion() {
    }

    /** How a list's raw scores are brought to 0..1. */
    public enum Normalisation {
        /** Score over the list's top score: keeps a flat list flat (for scores with a natural zero). */
        TOP,
        /** (score - worst) / (top - worst) within the list (for scores without a natural zero). */
        MIN_MAX,
        /**
         * {@code max(0, 1 - (top - score) / span)}: distance below the list's top on a fixed scale, the
         * same however many candidates the list holds (for scores on an absolute scale, such as a cosine).
         */
        SPAN
    }

    /** One list to fuse and how its scores are normalised ({@code span} is used by {@link Normalisation#SPAN}). */
    public record ScoredList(String signal, double weight, Normalisation normalisation, double span, List<StoreHit> hits) {
        public ScoredList(String signal, double weight, Normalisation normalisation, List<StoreHit> hits) {
            this(signal, weight, normalisation, 0, hits);
        }

        public ScoredList {
            if (normalisation == Normalisation.SPAN && !(span > 0)) {
                throw new IllegalArgumentException("a span normalisation needs a span > 0, was " + span);
            }
        }
    }

    public static List<ReciprocalRankFusion.Fused> fuse(List<ScoredList> lists, int limit) {
        FusedScores fused = new FusedScores();
        for (ScoredList list : lists) {
            if (list.hits().isEmpty()) {
                continue;
            }
            double top = Double.NEGATIVE_INFINITY;
            double worst = Double.POSITIVE_INFINITY;
            for (StoreHit h : list.hits()) {
                top = Math.max(top, h.score());
                worst = Math.min(worst, h.score());
            }
            int position = 0;
            int rank = 0;
            double previous = Double.NaN;
            for (StoreHit hit : list.hits()) {
                position++;
                // equal scores share the first one's rank: the store's order among them is arbitrary
                // (it follows the order memories were written), so it must not decide a tie
                rank = hit.score() == previous ? rank : position;
                previous = hit.score();
                double normalised = list.normalisation() == Normalisation.SPAN
                        ? Math.max(0, 1 - (top - hit.score()) / list.span())
                        : normalise(list.normalisation(), hit.score(), top, worst);
                fused.add(hit.id(), list.signal(), rank, hit.score(), list.weight() * normalised);
            }
        }
        return fused.top(limit);
    }

    static double normalise(Normalisation how, double score, double top, double worst) {
        return switch (how) {
            case TOP -> top > 0 ? Math.max(0, score) / top : 0;
            case MIN_MAX -> top > worst ? (score - worst) / (top - worst) : 1;
            case SPAN -> throw new IllegalArgumentException("a span normalisation needs its span");
        };
    }
}
