package dev.loci.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the microbenchmarks of this package in forked JVMs with this JVM's flags. */
public final class Microbenchmarks {
    private Microbenchmarks() {
    }

    /** Runs the benchmarks whose name matches {@code include} (a regular expression; null: all). */
    public static void run(String include) throws RunnerException {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-XX:AOTCache")
                        && !a.startsWith("-Xlog:aot") && !a.startsWith("-Xlog:cds"))
                .toList();
        var options = new OptionsBuilder()
                .include(Microbenchmarks.class.getPackageName() + ".*" + (include == null ? "" : include) + ".*")
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgs(flags.toArray(String[]::new))
                .build();
        new Runner(options).run();
    }
}
