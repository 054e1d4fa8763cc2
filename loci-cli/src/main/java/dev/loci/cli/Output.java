package dev.loci.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.Memory;
import dev.loci.Recalled;
import dev.loci.Signal;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Renders memories and recall results as a table or as JSON. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void table(PrintStream out, List<Recalled> results, int textWidth) {
        if (results.isEmpty()) {
            out.println("(no memories found)");
            return;
        }
        out.printf(Locale.ROOT, "%-4s %-8s %-13s %-13s %-10s %-12s %s%n",
                "#", "fused", "bm25 rank/sc", "dense rank/sc", "date", "speaker", "text");
        int rank = 0;
        for (Recalled r : results) {
            rank++;
            Memory m = r.memory();
            out.printf(Locale.ROOT, "%-4d %-8.5f %-13s %-13s %-10s %-12s %s%n", rank, r.score(),
                    signal(r, Signal.BM25), signal(r, Signal.DENSE), m.occurredAt().toString().substring(0, 10),
                    clip(m.speaker() == null ? "-" : m.speaker(), 12), clip(m.text(), textWidth));
        }
    }

    private static String signal(Recalled r, String name) {
        return r.signal(name).map(s -> String.format(Locale.ROOT, "%d/%.3f", s.rank(), s.score())).orElse("-");
    }

    static String clip(String s, int width) {
        String flat = s.replace('\n', ' ');
        if (flat.length() <= width) {
            return flat;
        }
        int cut = width - 1;
        if (cut > 0 && Character.isHighSurrogate(flat.charAt(cut - 1))) {
            cut--; // never keep half of a surrogate pair (an emoji, say)
        }
        return flat.substring(0, cut) + "…";
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    static void json(PrintStream out, List<Recalled> results) {
        ArrayNode array = JSON.createArrayNode();
        for (Recalled r : results) {
            ObjectNode node = memory(r.memory());
            node.put("score", r.score());
            ObjectNode signals = node.putObject("signals");
            for (Signal s : r.signals()) {
                signals.putObject(s.name()).put("rank", s.rank()).put("score", s.score())
                        .put("contribution", s.contribution());
            }
            array.add(node);
        }
        print(out, array);
    }

    static ObjectNode memory(Memory m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", m.id());
        ObjectNode scope = node.putObject("scope");
        scope.put("tenant", m.scope().tenant());
        scope.put("userId", m.scope().userId());
        scope.put("agentId", m.scope().agentId());
        scope.put("sessionId", m.scope().sessionId());
        node.put("kind", m.kind().name());
        node.put("level", m.level());
        node.put("text", m.text());
        node.put("role", m.role());
        node.put("speaker", m.speaker());
        node.put("occurredAt", m.occurredAt().toString());
        node.put("recordedAt", m.recordedAt().toString());
        node.put("validFrom", m.validFrom().toString());
        node.put("validTo", m.validTo() == null ? null : m.validTo().toString());
        node.put("clientId", m.clientId());
        node.put("version", m.version());
        node.put("importance", m.importance());
        ObjectNode meta = node.putObject("metadata");
        m.metadata().forEach(meta::put);
        if (m.parentId() != null) {
            node.put("parentId", m.parentId());
        }
        if (!m.lifecycle().equals(dev.loci.Lifecycle.NONE)) {
            var life = m.lifecycle();
            ObjectNode l = node.putObject("lifecycle");
            l.put("accessCount", life.accessCount());
            l.put("lastAccessedAt", life.lastAccessedAt() == null ? null : life.lastAccessedAt().toString());
            l.put("expiresAt", life.expiresAt() == null ? null : life.expiresAt().toString());
            l.put("pinned", life.pinned());
            l.put("supersedes", life.supersedes());
            l.put("supersededBy", life.supersededBy());
        }
        return node;
    }

    static void print(PrintStream out, Object node) {
        try {
            out.println(JSON.writeValueAsString(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
