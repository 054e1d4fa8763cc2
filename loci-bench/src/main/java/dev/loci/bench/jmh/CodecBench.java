package dev.loci.bench.jmh;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.spi.MemoryCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The stored record of a memory: written on every remember, read for every recalled memory. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {
    private Memory memory;
    private byte[] encoded;

    @Setup
    public void setup() {
        Instant at = Instant.parse("2023-05-08T13:56:00Z");
        memory = new Memory("0b6f1c2e-7d1a-4c55-9a8e-3f1b2c4d5e6f", dev.loci.Scope.user("acme", "maya"), Kind.TURN,
                "Yesterday I finally finished the pottery class with a few friends from work, and honestly it "
                        + "was better than expected; we want to do it again soon.",
                "user", "Maya", at, at, at, null, "msg-42", List.of(), null, List.of(), 1, 0.5,
                Map.of("channel", "chat", "lang", "en"));
        encoded = MemoryCodec.encode(memory);
    }

    @Benchmark
    public byte[] encode() {
        return MemoryCodec.encode(memory);
    }

    @Benchmark
    public Memory decode() {
        return MemoryCodec.decode(encoded);
    }
}
