package dev.loci.internal.facts;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.spi.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PROFILE memory of a user, written from their current facts: one block per subject (the
 * speaker themself, then the people they speak of), a line per category (identity, relations,
 * preferences, plans), each fact as {@code attribute: value (date)}. A category
 * shows its {@value #PER_CATEGORY} latest facts. Children are the facts shown, sources the turns
 * they were read from (provenance). Stateless.
 */
final class ProfileText {
    /** Most facts one category of one subject shows, the latest said. */
    static final int PER_CATEGORY = 8;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ProfileText() {
    }

    /**
     * @param facts    the user's current facts, oldest said first; not empty
     * @param created  when the user's first profile was recorded (kept across rewrites)
     */
    static Memory profile(String id, Scope user, List<Memory> facts, int version, Instant created, Instant now) {
        Map<String, Map<Statement.Category, List<Memory>>> bySubject = new LinkedHashMap<>();
        for (Memory f : facts) {
            Statement st = FactRecords.statementOf(f);
            bySubject.computeIfAbsent(st.subject(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(st.category(), c -> new ArrayList<>()).add(f);
        }
        var text = new StringBuilder();
        var shown = new ArrayList<Memory>();
        for (var subject : bySubject.entrySet()) {
            text.append(display(subject.getKey())).append(":\n");
            for (Statement.Category category : Statement.Category.values()) {
                List<Memory> all = subject.getValue().get(category);
                if (all == null) {
                    continue;
                }
                List<Memory> latest = all.subList(Math.max(0, all.size() - PER_CATEGORY), all.size());
                var lines = new ArrayList<String>(latest.size());
                for (Memory f : latest) {
                    lines.add(line(f));
                    shown.add(f);
                }
                text.append("  ").append(category.name().toLowerCase(Locale.ROOT)).append(": ")
                        .append(String.join("; ", lines)).append('\n');
            }
        }
        var sources = new LinkedHashSet<String>();
        shown.forEach(f -> sources.addAll(f.sourceIds()));
        Instant first = facts.get(0).occurredAt();
        return Memory.builder().id(id).scope(user).kind(Kind.PROFILE).text(text.toString().strip())
                .occurredAt(first).recordedAt(created).validFrom(first).sourceIds(List.copyOf(sources))
                .childIds(shown.stream().map(Memory::id).toList()).version(version).importance(1.0).build();
    }

    /** {@code attribute: value (date)}; the words said instead of the value when they named none. */
    private static String line(Memory fact) {
        Statement st = FactRecords.statementOf(fact);
        String value = st.valueUnspecified() ? "\"" + fact.text().strip() + "\"" : st.value();
        return st.attribute() + ": " + (st.negated() ? "not " : "") + value + " (" + DAY.format(fact.occurredAt()) + ")";
    }

    /** "caroline" → "Caroline"; "caroline/sister" → "Caroline's sister"; "self" → "The user". */
    static String display(String subject) {
        int slash = subject.indexOf('/');
        String who = slash < 0 ? subject : subject.substring(0, slash);
        String name = Statement.SELF.equals(who) ? "The user" : capitalise(who);
        return slash < 0 ? name : name + "'s " + subject.substring(slash + 1);
    }

    private static String capitalise(String name) {
        var out = new StringBuilder(name.length());
        boolean start = true;
        for (char c : name.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : c);
            start = c == ' ' || c == '-';
        }
        return out.toString();
    }
}
