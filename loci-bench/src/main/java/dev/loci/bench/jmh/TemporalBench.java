package dev.loci.bench.jmh;

import dev.loci.TimeRange;
import dev.loci.internal.util.DateKeys;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Reading time expressions: every query's periods, and every written turn's date keys. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TemporalBench {
    private static final Instant AT = Instant.parse("2023-05-08T13:56:00Z");

    @Param({"What did Maya do last Saturday?", "When did Tom start the pottery class two weeks ago?",
        "What does Priya think about the new bakery downtown?"})
    public String text;

    @Benchmark
    public List<TimeRange> queryPeriods() {
        return DateKeys.periods(text, AT);
    }

    @Benchmark
    public String turnKeys() {
        return DateKeys.keys(text, AT);
    }
}
