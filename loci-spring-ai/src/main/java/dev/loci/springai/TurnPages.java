package dev.loci.springai;

import dev.loci.Kind;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * A scope's turns, newest first, a page at a time, read through the {@link Loci} interface alone (so
 * a remote server serves it too). Loci has no "list" call, but a recall restricted to turns returns
 * all of them as long as they fit in one recall's candidates ({@link #PAGE}), and {@code count} over
 * a time range is cheap: each page is the time range just before the previous one that holds at most
 * a page of turns, found by doubling a span back in time and then halving it. The turns read count as
 * recalled (they are what the model is shown), so their retention is reinforced as for any recall.
 */
final class TurnPages {
    /** Turns one recall is sure to return (Loci's default dense and lexical candidate counts). */
    static final int PAGE = 100;
    /** How far past this clock the first page starts its search, for turns dated by a clock ahead of it. */
    static final Duration SKEW = Duration.ofMinutes(5);
    private static final MemoryFilter TURNS = MemoryFilter.all().withKinds(Set.of(Kind.TURN));
    /** Any text: the recall is restricted to a time range of turns, and every one of them is wanted. */
    private static final String ANY = "conversation";
    private static final Duration LONGEST = Duration.ofDays(365L * 300);

    private TurnPages() {
    }

    /** At most {@code n} of the scope's newest turns, oldest first. */
    static List<Memory> newest(Loci loci, Scope scope, int n, Instant now) {
        List<Memory> found = new ArrayList<>();
        newestFirst(loci, scope, now, () -> Math.max(1, n - found.size()), page -> {
            found.addAll(page);
            return found.size() < n;
        });
        List<Memory> sorted = found.stream().sorted(Comparator.comparing(Memory::occurredAt).thenComparing(Memory::id))
                .toList();
        return sorted.subList(Math.max(0, sorted.size() - n), sorted.size());
    }

    /** Every turn of the scope, a page at a time, newest page first, while {@code visit} answers true. */
    static void newestFirst(Loci loci, Scope scope, Instant now, Predicate<List<Memory>> visit) {
        newestFirst(loci, scope, now, () -> PAGE / 2, visit);
    }

    /**
     * As {@link #newestFirst(Loci, Scope, Instant, Predicate)}, each page holding at least
     * {@code wanted} turns where there are that many (fewer, smaller pages are found with fewer counts).
     */
    private static void newestFirst(Loci loci, Scope scope, Instant now, IntSupplier wanted,
                                    Predicate<List<Memory>> visit) {
        Instant to = null;
        long remaining = loci.count(scope, TURNS);
        while (remaining > 0) {
            Instant from = remaining <= PAGE ? null
                    : startOfPage(loci, scope, to, now, Math.min(wanted.getAsInt(), PAGE));
            TimeRange range = from == null && to == null ? null : new TimeRange(from, to);
            List<Memory> page = loci.recall(scope, RecallQuery.of(ANY).withKinds(TURNS.kinds())
                    .withK(RecallQuery.MAX_K).withTimeRange(range)).results().stream().map(r -> r.memory()).toList();
            if (!visit.test(page) || from == null) {
                return;
            }
            to = from;
            remaining = count(loci, scope, null, to);
        }
    }

    /**
     * A moment with between {@code wanted} and {@link #PAGE} of the scope's turns from it up to
     * {@code to} (fewer when fewer are left; more when more than a page share a millisecond).
     */
    private static Instant startOfPage(Loci loci, Scope scope, Instant to, Instant now, int wanted) {
        Instant end = to != null ? to : now.plus(SKEW);
        Duration low = Duration.ZERO;
        Duration high = Duration.ofMinutes(1);
        long c = count(loci, scope, end.minus(high), to);
        while (c < wanted && high.compareTo(LONGEST) < 0) {
            low = high;
            high = high.multipliedBy(2);
            c = count(loci, scope, end.minus(high), to);
        }
        // count(end - low) < wanted <= count(end - high); narrow while the page would be too big
        while (c > PAGE && high.minus(low).toMillis() > 1) {
            Duration mid = low.plus(high.minus(low).dividedBy(2));
            long m = count(loci, scope, end.minus(mid), to);
            if (m < wanted) {
                low = mid;
            } else {
                high = mid;
                c = m;
            }
        }
        return end.minus(high);
    }

    private static long count(Loci loci, Scope scope, Instant from, Instant to) {
        return loci.count(scope, from == null && to == null ? TURNS : TURNS.withTimeRange(new TimeRange(from, to)));
    }
}
