package dev.loci.mcp;

import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Recalled;
import dev.loci.Signal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory as the structured content of a tool result: plain maps, lists and scalars that the
 * SDK's JSON mapper writes as they are. The one place that decides the field names, so it can be
 * replaced by the project's shared JSON rendering without touching the tools.
 */
final class MemoryJson {
    private MemoryJson() {
    }

    static Map<String, Object> memory(Memory m) {
        var node = new LinkedHashMap<String, Object>();
        node.put("id", m.id());
        var scope = new LinkedHashMap<String, Object>();
        scope.put("tenant", m.scope().tenant());
        putIfSet(scope, "userId", m.scope().userId());
        putIfSet(scope, "agentId", m.scope().agentId());
        putIfSet(scope, "sessionId", m.scope().sessionId());
        node.put("scope", scope);
        node.put("kind", m.kind().name());
        node.put("level", m.level());
        node.put("text", m.text());
        putIfSet(node, "role", m.role());
        putIfSet(node, "speaker", m.speaker());
        node.put("occurredAt", m.occurredAt().toString());
        node.put("recordedAt", m.recordedAt().toString());
        node.put("validFrom", m.validFrom().toString());
        node.put("validTo", m.validTo() == null ? null : m.validTo().toString());
        putIfSet(node, "clientId", m.clientId());
        node.put("version", m.version());
        node.put("importance", m.importance());
        node.put("metadata", m.metadata());
        putIfSet(node, "parentId", m.parentId());
        Lifecycle life = m.lifecycle();
        if (!life.equals(Lifecycle.NONE)) {
            var l = new LinkedHashMap<String, Object>();
            l.put("accessCount", life.accessCount());
            putIfSet(l, "lastAccessedAt", text(life.lastAccessedAt()));
            putIfSet(l, "expiresAt", text(life.expiresAt()));
            l.put("pinned", life.pinned());
            putIfSet(l, "supersedes", life.supersedes());
            putIfSet(l, "supersededBy", life.supersededBy());
            node.put("lifecycle", l);
        }
        return node;
    }

    static Map<String, Object> recalled(Recalled r) {
        Map<String, Object> node = memory(r.memory());
        node.put("score", r.score());
        var signals = new LinkedHashMap<String, Object>();
        for (Signal s : r.signals()) {
            signals.put(s.name(), Map.of("rank", s.rank(), "score", s.score(), "contribution", s.contribution()));
        }
        node.put("signals", signals);
        return node;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void putIfSet(Map<String, Object> node, String key, Object value) {
        if (value != null) {
            node.put(key, value);
        }
    }
}
