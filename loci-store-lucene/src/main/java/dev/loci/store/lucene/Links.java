package dev.loci.store.lucene;

import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.store.lucene.StoreReport.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The links between stored memories, checked and mended for {@link StoreCheck} and
 * {@link StoreRepair}: a parent, child or supersession link must name a memory that exists in the
 * same tenant. A mended memory loses only its dangling links. A derived memory (episode, fact,
 * session, topic, profile) whose children are all gone is kept, without children: its text is all
 * that is left of what they said, and a repair keeps what it can (a forget, which deletes on
 * purpose, deletes such nodes instead).
 *
 * <p>Stateless.
 */
final class Links {
    /** Examples named per kind of problem; the rest are counted. */
    private static final int NAMED = 5;

    /**
     * What mending does to one memory.
     *
     * @param key      the memory's store key (tenant and id)
     * @param original the memory as stored
     * @param mended   the memory without its dangling links
     * @param problems what was wrong, one phrase each ({@code parent episode-9 does not exist})
     */
    record Fix(String key, Memory original, Memory mended, List<String> problems) {
    }

    private Links() {
    }

    /** The fixes that leave every link in {@code byKey} pointing at a memory that exists. */
    static List<Fix> mend(Map<String, Memory> byKey) {
        Map<String, Memory> current = new LinkedHashMap<>(byKey);
        Map<String, List<String>> problems = new TreeMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var it = current.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Memory m = e.getValue();
                String tenant = m.scope().tenant();
                List<String> found = new ArrayList<>();
                List<String> children = m.childIds().stream()
                        .filter(c -> exists(current, tenant, c, found, "child")).toList();
                String parent = m.parentId() != null && exists(current, tenant, m.parentId(), found, "parent")
                        ? m.parentId() : null;
                Lifecycle life = m.lifecycle();
                String supersedes = life.supersedes() != null
                        && exists(current, tenant, life.supersedes(), found, "superseded memory") ? life.supersedes() : null;
                String supersededBy = life.supersededBy() != null
                        && exists(current, tenant, life.supersededBy(), found, "superseding memory") ? life.supersededBy() : null;
                if (found.isEmpty()) {
                    continue;
                }
                changed = true;
                problems.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(found);
                if (m.level() > 0 && !m.childIds().isEmpty() && children.isEmpty()) {
                    problems.get(e.getKey()).add("every child is gone (its text is all that remains of them)");
                }
                e.setValue(m.toBuilder().childIds(children).parentId(parent)
                        .lifecycle(new Lifecycle(life.accessCount(), life.lastAccessedAt(), life.expiresAt(),
                                life.pinned(), supersedes, supersededBy)).build());
            }
        }
        List<Fix> fixes = new ArrayList<>();
        problems.forEach((key, what) -> fixes.add(new Fix(key, byKey.get(key), current.get(key), List.copyOf(what))));
        return fixes;
    }

    private static boolean exists(Map<String, Memory> current, String tenant, String id, List<String> found,
            String role) {
        if (current.containsKey(LuceneDocuments.key(tenant, id))) {
            return true;
        }
        found.add(role + " " + id + " does not exist");
        return false;
    }

    /** Reports the fixes: one line per memory up to a few, then a count. */
    static void report(List<Fix> fixes, Level level, StoreReport.Builder report) {
        int n = 0;
        for (Fix f : fixes) {
            if (++n > NAMED) {
                break;
            }
            Memory m = f.original();
            String action = level == Level.REPAIRED ? "; those links removed" : "";
            report.add(level, "memory " + m.id() + " (" + m.kind() + ", tenant " + m.scope().tenant() + ")",
                    String.join(", ", f.problems()) + action);
        }
        if (fixes.size() > NAMED) {
            int more = fixes.size() - NAMED;
            report.add(level, "links", more + " more " + (more == 1 ? "memory" : "memories") + " with dangling links"
                    + (level == Level.REPAIRED ? ", mended" : ""));
        }
    }
}
