package dev.loci.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.RecallResult;
import dev.loci.Recalled;
import dev.loci.RememberResult;
import dev.loci.Signal;
import java.util.List;
import java.util.TreeMap;

/**
 * Response bodies. Memories, recall results and context blocks are rendered as the CLI's
 * {@code --json} renders them (camelCase); this is the one class to swap for the shared renderer.
 */
final class Render {
    static final ObjectMapper JSON = new ObjectMapper();

    private Render() {
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
        new TreeMap<>(m.metadata()).forEach(meta::put);
        if (m.parentId() != null) {
            node.put("parentId", m.parentId());
        }
        if (!m.lifecycle().equals(Lifecycle.NONE)) {
            Lifecycle life = m.lifecycle();
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

    static ObjectNode recall(RecallResult result) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("results");
        for (Recalled r : result.results()) {
            ObjectNode node = memory(r.memory());
            node.put("score", r.score());
            ObjectNode signals = node.putObject("signals");
            for (Signal s : r.signals()) {
                signals.putObject(s.name()).put("rank", s.rank()).put("score", s.score())
                        .put("contribution", s.contribution());
            }
            array.add(node);
        }
        root.put("tookMs", result.tookNanos() / 1e6);
        return root;
    }

    static ObjectNode context(ContextBlock block) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", block.text());
        root.put("tokens", block.tokens());
        root.put("budget", block.budget());
        root.put("encoding", block.counter());
        ArrayNode items = root.putArray("items");
        for (ContextBlock.Item item : block.items()) {
            ObjectNode n = items.addObject();
            n.put("id", item.id());
            n.put("fidelity", item.fidelity().name());
            n.put("relevance", item.relevance());
            item.covers().forEach(n.putArray("covers")::add);
        }
        return root;
    }

    static ObjectNode history(List<Memory> versions) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("versions");
        versions.forEach(m -> array.add(memory(m)));
        return root;
    }

    static ObjectNode remembered(RememberResult r) {
        ObjectNode root = JSON.createObjectNode();
        r.ids().forEach(root.putArray("ids")::add);
        root.put("added", r.added());
        root.put("skipped", r.skipped());
        return root;
    }

    static ObjectNode forgotten(ForgetResult r) {
        return JSON.createObjectNode().put("deleted", r.deleted()).put("episodesRebuilt", r.episodesRebuilt())
                .put("episodesRemoved", r.episodesRemoved()).put("turnsRewritten", r.turnsRewritten())
                .put("totalRemoved", r.totalRemoved());
    }
}
