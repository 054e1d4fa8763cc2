package dev.loci.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Absolute dates for indexing: the day a turn was said, and the days its relative expressions
 * ("yesterday", "last Saturday", "two weeks ago", "next month") point at, resolved against the
 * turn's own timestamp (UTC). Rendered as words ("7 May 2023", "May 2023") so BM25 matches
 * questions that name the date. Stateless.
 */
final class DateKeys {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("a", 1), Map.entry("an", 1),
            Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4),
            Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8),
            Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("couple of", 2), Map.entry("few", 3));
    private static final Pattern AGO = Pattern.compile(
            "\\b(\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few) (day|week|month|year)s? ago\\b");
    private static final Pattern LAST_NEXT = Pattern.compile(
            "\\b(last|next|this past|this coming) (week|weekend|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b");
    private static final Pattern EXPLICIT = Pattern.compile(
            "\\b(january|february|march|april|june|july|august|september|october|november|december"
            + "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|yesterday|today|tonight|tomorrow"
            + "|(19|20)\\d\\d)\\b");
    /** "May" the month, told from "may" the verb by what stands next to it. */
    private static final Pattern MAY = Pattern.compile(
            "\\b(in|of|early|late|mid|since|until|by|last|next|this) may\\b|\\bmay (\\d|of\\b)");

    private DateKeys() {
    }

    /**
     * Whether the text names a time: a relative expression this class resolves, a month, a
     * weekday, or a year.
     */
    static boolean mentionsTime(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return EXPLICIT.matcher(lower).find() || MAY.matcher(lower).find() || AGO.matcher(lower).find()
                || LAST_NEXT.matcher(lower).find();
    }

    static String keys(String text, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        Set<String> out = new LinkedHashSet<>();
        out.add(render(day));
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("yesterday")) {
            out.add(render(day.minusDays(1)));
        }
        if (lower.contains("tomorrow")) {
            out.add(render(day.plusDays(1)));
        }
        if (lower.contains("tonight") || lower.contains("today") || lower.contains("this morning")) {
            out.add(render(day));
        }
        Matcher ago = AGO.matcher(lower);
        while (ago.find()) {
            String n = ago.group(1);
            int count = n.chars().allMatch(Character::isDigit) ? Integer.parseInt(n) : NUMBERS.getOrDefault(n, 1);
            out.add(switch (ago.group(2)) {
                case "day" -> render(day.minusDays(count));
                case "week" -> render(day.minusWeeks(count));
                case "month" -> month(day.minusMonths(count));
                default -> Integer.toString(day.getYear() - count);
            });
        }
        Matcher ln = LAST_NEXT.matcher(lower);
        while (ln.find()) {
            int sign = ln.group(1).startsWith("last") || ln.group(1).equals("this past") ? -1 : 1;
            String unit = ln.group(2);
            out.add(switch (unit) {
                case "week", "weekend" -> render(day.plusWeeks(sign));
                case "month" -> month(day.plusMonths(sign));
                case "year" -> Integer.toString(day.getYear() + sign);
                default -> render(weekday(day, DayOfWeek.valueOf(unit.toUpperCase(Locale.ROOT)), sign));
            });
        }
        return String.join(" ", out);
    }

    private static LocalDate weekday(LocalDate from, DayOfWeek target, int sign) {
        LocalDate d = from.plusDays(sign);
        while (d.getDayOfWeek() != target) {
            d = d.plusDays(sign);
        }
        return d;
    }

    private static String render(LocalDate d) {
        return d.getDayOfMonth() + " " + month(d);
    }

    private static String month(LocalDate d) {
        return d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + d.getYear();
    }
}
