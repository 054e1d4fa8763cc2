package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.engine.LociEngine;
import dev.loci.spi.StoreStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loci stats}: what a data directory holds, by kind, and its size and format. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show how much a data directory holds (memories by kind, every version counted) and its format.")
final class StatsCommand implements Callable<Integer> {
    /** Details counting memories by kind, as the Lucene store names them ({@code memories.TURN}). */
    private static final String KIND_COUNT_PREFIX = "memories.";

    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        var engine = new java.util.concurrent.atomic.AtomicReference<LociEngine>();
        RunningServer server = dataDir.serverOrOpen(DataDirOption.reading(DataDirOption.existing()), engine::set, "stats");
        if (server != null) {
            JsonNode json = server.getStoreWide("/v1/stats");
            Map<String, String> details = new LinkedHashMap<>();
            json.path("details").properties().forEach(e -> details.put(e.getKey(), e.getValue().asText()));
            print(new StoreStats(json.path("memories").asLong(), json.path("diskBytes").asLong(), details),
                    json.path("embedder").asText("?") + " (" + json.path("dimensions").asText("?") + " dimensions)");
            return 0;
        }
        try (LociEngine loci = engine.get()) {
            print(loci.stats(), loci.embedder().modelId() + " (" + loci.embedder().dimensions() + " dimensions)");
        }
        return 0;
    }

    private void print(StoreStats s, String embedder) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("data dir", dataDir.path.toAbsolutePath().toString()));
        rows.add(row("memories", Long.toString(s.memories())));
        var details = new TreeMap<>(s.details());
        var kinds = new TreeMap<String, String>();
        details.keySet().removeIf(k -> {
            if (k.startsWith(KIND_COUNT_PREFIX)) {
                kinds.put(k.substring(KIND_COUNT_PREFIX.length()), details.get(k));
                return true;
            }
            return false;
        });
        kindOrder(kinds).forEach((kind, n) -> rows.add(row("  " + kind, n)));
        rows.add(row("disk bytes", String.format(Locale.ROOT, "%d (%.1f MiB, %s per memory)", s.diskBytes(),
                s.diskBytes() / 1048576.0,
                s.memories() == 0 ? "-" : Long.toString(s.diskBytes() / s.memories()))));
        rows.add(row("embedder", embedder));
        details.forEach((k, v) -> rows.add(row(words(k), v)));
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-" + width + "s  %s%n", r[0], r[1]);
        }
    }

    private static String[] row(String label, String value) {
        return new String[] {label, value};
    }

    /** Kinds in the order of {@link dev.loci.Kind} (turns first, topics last), unknown names after. */
    private static Map<String, String> kindOrder(Map<String, String> kinds) {
        var ordered = new java.util.LinkedHashMap<String, String>();
        for (dev.loci.Kind k : dev.loci.Kind.values()) {
            if (kinds.containsKey(k.name())) {
                ordered.put(k.name(), kinds.get(k.name()));
            }
        }
        kinds.forEach(ordered::putIfAbsent);
        return ordered;
    }

    /** {@code vectorDimensions} as {@code vector dimensions}. */
    static String words(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
