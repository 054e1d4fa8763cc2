package dev.loci.bench.jmh;

import dev.loci.internal.recall.ReciprocalRankFusion;
import dev.loci.internal.recall.ScoreFusion;
import dev.loci.spi.StoreHit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Fusing recall's two candidate lists (BM25 top 100, kNN top 100, half of them shared) into the top 10. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FusionBench {
    private List<StoreHit> lexical;
    private List<StoreHit> dense;

    @Setup
    public void setup() {
        var random = new Random(1);
        lexical = hits(random, 0, 12.0);
        dense = hits(random, 50, 0.9);
    }

    private static List<StoreHit> hits(Random random, int firstId, double top) {
        var out = new ArrayList<StoreHit>(100);
        double score = top;
        for (int i = 0; i < 100; i++) {
            out.add(new StoreHit("m" + (firstId + i * 7 % 100 + i), score));
            score -= random.nextDouble() * top / 200;
        }
        return out;
    }

    @Benchmark
    public List<ReciprocalRankFusion.Fused> reciprocalRank() {
        return ReciprocalRankFusion.fuse(60, List.of(new ReciprocalRankFusion.RankedList("lexical", 1.0, lexical),
                new ReciprocalRankFusion.RankedList("dense", 1.0, dense)), 10);
    }

    @Benchmark
    public List<ReciprocalRankFusion.Fused> normalisedScores() {
        return ScoreFusion.fuse(List.of(
                new ScoreFusion.ScoredList("lexical", 1.0, ScoreFusion.Normalisation.TOP, lexical),
                new ScoreFusion.ScoredList("dense", 1.0, ScoreFusion.Normalisation.MIN_MAX, dense)), 10);
    }
}
