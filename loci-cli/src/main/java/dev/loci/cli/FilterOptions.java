package dev.loci.cli;

import dev.loci.Kind;
import dev.loci.MemoryFilter;
import dev.loci.TimeRange;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** Options that narrow a scope to some memories: kinds, event time, metadata. */
final class FilterOptions {
    @Option(names = "--kind", paramLabel = "KIND", split = ",", description = "Only these kinds, e.g. TURN,FACT.")
    List<Kind> kinds;

    @Option(names = "--from", paramLabel = "TIME", description = "Only memories that occurred at or after (ISO-8601).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Only memories that occurred before (ISO-8601).")
    String to;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata that must match (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    Set<Kind> kindSet() {
        return kinds == null || kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds);
    }

    /** The time range the options give, null for none; a bad time is reported with its option. */
    TimeRange timeRange() {
        Instant f = ConversationFiles.time(from, Path.of("--from"), "");
        Instant t = ConversationFiles.time(to, Path.of("--to"), "");
        return f == null && t == null ? null : new TimeRange(f, t);
    }

    /** Whether any option narrows the selection. */
    boolean given() {
        return (kinds != null && !kinds.isEmpty()) || from != null || to != null || !metadata.isEmpty();
    }

    MemoryFilter filter() {
        return MemoryFilter.all().withKinds(kindSet()).withTimeRange(timeRange()).withMetadata(metadata);
    }
}
