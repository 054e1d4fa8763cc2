package dev.loci.springai;

import dev.loci.Kind;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryPage;
import dev.loci.Scope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A scope's turns newest first, a page at a time, read with {@link Loci#list} (so a remote server
 * serves it too). A listing is not a recall: the turns read keep their retention as it was.
 */
final class TurnPages {
    /** Turns one page of {@link #newestFirst} holds. */
    static final int PAGE = ListQuery.MAX_LIMIT;
    private static final ListQuery TURNS = ListQuery.of().withKinds(Set.of(Kind.TURN));

    private TurnPages() {
    }

    /** At most {@code n} (1..{@value ListQuery#MAX_LIMIT}) of the scope's newest turns, oldest first. */
    static List<Memory> newest(Loci loci, Scope scope, int n) {
        return loci.list(scope, TURNS.withLimit(n)).memories().reversed();
    }

    /** Every turn of the scope, a page at a time, newest page first, while {@code visit} answers true. */
    static void newestFirst(Loci loci, Scope scope, Predicate<List<Memory>> visit) {
        eachPage(loci, scope, TURNS.withLimit(PAGE), visit);
    }

    /** The turns of the scope that carry every pair of {@code metadata}, newest page first, while {@code visit} answers true. */
    static void newestFirst(Loci loci, Scope scope, Map<String, String> metadata, Predicate<List<Memory>> visit) {
        eachPage(loci, scope, TURNS.withMetadata(metadata).withLimit(PAGE), visit);
    }

    private static void eachPage(Loci loci, Scope scope, ListQuery query, Predicate<List<Memory>> visit) {
        ListQuery q = query;
        while (true) {
            MemoryPage page = loci.list(scope, q);
            if (!visit.test(page.memories()) || !page.hasMore()) {
                return;
            }
            q = q.after(page);
        }
    }
}
