package dev.loci.mcp;

import dev.loci.ContextBlock;
import dev.loci.Memory;
import dev.loci.MemoryPage;
import dev.loci.Recalled;
import dev.loci.Scope;
import java.util.List;
import java.util.Locale;

/** Tool results as text a language model reads: one memory per line, ids first so it can act on them. */
final class Render {
    private Render() {
    }

    static String scope(Scope s) {
        var out = new StringBuilder("tenant ").append(s.tenant());
        if (s.userId() != null) {
            out.append(", user ").append(s.userId());
        }
        if (s.agentId() != null) {
            out.append(", agent ").append(s.agentId());
        }
        if (s.sessionId() != null) {
            out.append(", session ").append(s.sessionId());
        }
        return out.toString();
    }

    static String search(String query, Scope scope, List<Recalled> results) {
        if (results.isEmpty()) {
            return "No memories found for \"" + query + "\" in " + scope(scope) + ".";
        }
        var out = new StringBuilder().append(results.size()).append(results.size() == 1 ? " memory" : " memories")
                .append(" for \"").append(query).append("\" in ").append(scope(scope)).append(", best first:\n");
        int rank = 0;
        for (Recalled r : results) {
            out.append(++rank).append(". ").append(line(r.memory()))
                    .append(String.format(Locale.ROOT, " (score %.4f)", r.score())).append('\n');
        }
        return out.toString().strip();
    }

    /** A page of a listing, newest first, ending with the cursor of the next page when there is one. */
    static String page(Scope scope, MemoryPage page, boolean continued) {
        if (page.memories().isEmpty()) {
            return (continued ? "No more memories of " : "No memories of ") + scope(scope) + ".";
        }
        var out = new StringBuilder().append(page.memories().size())
                .append(page.memories().size() == 1 ? " memory" : " memories").append(" of ").append(scope(scope))
                .append(continued ? ", continuing, newest first:\n" : ", newest first:\n");
        for (Memory m : page.memories()) {
            out.append("- ").append(line(m)).append('\n');
        }
        out.append(page.hasMore() ? "Older memories remain: call list_memories again with cursor \""
                + page.nextCursor() + "\"." : "That is all of them.");
        return out.toString();
    }

    /** One memory on one line: {@code [id] 2024-03-02 18:10 UTC, Maya (turn): text}. */
    static String line(Memory m) {
        var out = new StringBuilder("[").append(m.id()).append("] ").append(when(m));
        if (m.speaker() != null) {
            out.append(", ").append(m.speaker());
        }
        out.append(" (").append(m.kind().name().toLowerCase(Locale.ROOT));
        if (m.version() > 1) {
            out.append(", version ").append(m.version());
        }
        return out.append("): ").append(m.text().replace('\n', ' ')).toString();
    }

    static String memory(Memory m) {
        var out = new StringBuilder(line(m)).append('\n');
        out.append("Said or happened at ").append(m.occurredAt()).append("; recorded at ").append(m.recordedAt())
                .append("; ").append(m.validTo() == null ? "current" : "no longer current since " + m.validTo())
                .append(".\nOwner: ").append(scope(m.scope())).append('.');
        if (!m.metadata().isEmpty()) {
            out.append("\nMetadata: ").append(m.metadata());
        }
        return out.toString();
    }

    static String history(String id, List<Memory> versions) {
        var out = new StringBuilder().append(versions.size()).append(versions.size() == 1 ? " version" : " versions")
                .append(" of ").append(id).append(", oldest first:\n");
        for (Memory m : versions) {
            out.append("- version ").append(m.version()).append(" [").append(m.id()).append("], valid from ")
                    .append(m.validFrom()).append(m.validTo() == null ? " (current)" : " to " + m.validTo())
                    .append(": ").append(m.text().replace('\n', ' ')).append('\n');
        }
        return out.toString().strip();
    }

    static String context(ContextBlock block) {
        if (block.text().isEmpty()) {
            return "Nothing remembered fits this query (0 of " + block.budget() + " tokens used).";
        }
        return block.text();
    }

    private static String when(Memory m) {
        String t = m.occurredAt().toString(); // 2024-03-02T18:10:00Z
        return t.length() >= 16 ? t.substring(0, 10) + " " + t.substring(11, 16) + " UTC" : t;
    }
}
