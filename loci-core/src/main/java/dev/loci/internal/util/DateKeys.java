package dev.loci.internal.util;

import dev.loci.TimeRange;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
public final class DateKeys {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("a", 1), Map.entry("an", 1),
            Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4),
            Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8),
            Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("couple of", 2), Map.entry("few", 3));
    private static final Pattern AGO = Pattern.compile(
            "\\b(\\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few) (day|week|month|year)s? ago\\b");
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
    public static boolean mentionsTime(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return EXPLICIT.matcher(lower).find() || MAY.matcher(lower).find() || AGO.matcher(lower).find()
                || LAST_NEXT.matcher(lower).find();
    }

    private static final String MONTHS = "january|february|march|april|may|june|july|august|september|october"
            + "|november|december";
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile(
            "\\b(\\d{1,2})(?:st|nd|rd|th)? (" + MONTHS + "),? ((?:19|20)\\d\\d)\\b");
    private static final Pattern MONTH_DAY_YEAR = Pattern.compile(
            "\\b(" + MONTHS + ") (\\d{1,2})(?:st|nd|rd|th)?,? ((?:19|20)\\d\\d)\\b");
    private static final Pattern MONTH_YEAR = Pattern.compile("\\b(" + MONTHS + "),? ((?:19|20)\\d\\d)\\b");
    private static final Pattern IN_MONTH = Pattern.compile("\\b(?:in|during|since|early|late|mid) (" + MONTHS + ")\\b(?!,? \\d)");
    private static final Pattern IN_YEAR = Pattern.compile("\\b(?:in|during|of) ((?:19|20)\\d\\d)\\b");

    /**
     * The periods of time a question points at, resolved against the moment it is asked (UTC):
     * relative expressions ("yesterday", "last weekend", "two weeks ago", "next month") and
     * absolute ones ("7 May 2023", "May 2023", "in May", "in 2022"). A month without a year is the
     * latest such month not after {@code at}. Approximate references ("two weeks ago") get a few
     * days either side. Empty when the text names no time.
     */
    public static List<TimeRange> periods(String text, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        String lower = text.toLowerCase(Locale.ROOT);
        List<TimeRange> out = new ArrayList<>();
        if (lower.contains("yesterday")) {
            out.add(days(day.minusDays(1), day));
        }
        if (lower.contains("today") || lower.contains("tonight") || lower.contains("this morning")) {
            out.add(days(day, day.plusDays(1)));
        }
        if (lower.contains("tomorrow")) {
            out.add(days(day.plusDays(1), day.plusDays(2)));
        }
        Matcher ago = AGO.matcher(lower);
        while (ago.find()) {
            String n = ago.group(1);
            int count = n.chars().allMatch(Character::isDigit) ? Integer.parseInt(n) : NUMBERS.getOrDefault(n, 1);
            out.add(switch (ago.group(2)) {
                case "day" -> days(day.minusDays(count + 1L), day.minusDays(count - 2L));
                case "week" -> days(day.minusWeeks(count).minusDays(4), day.minusWeeks(count).plusDays(4));
                case "month" -> monthOf(day.minusMonths(count));
                default -> yearOf(day.getYear() - count);
            });
        }
        Matcher ln = LAST_NEXT.matcher(lower);
        while (ln.find()) {
            int sign = ln.group(1).startsWith("last") || ln.group(1).equals("this past") ? -1 : 1;
            String unit = ln.group(2);
            out.add(switch (unit) {
                case "week" -> {
                    LocalDate monday = day.plusWeeks(sign).with(DayOfWeek.MONDAY);
                    yield days(monday, monday.plusDays(7));
                }
                case "weekend" -> {
                    LocalDate saturday = weekday(day, DayOfWeek.SATURDAY, sign);
                    yield days(saturday, saturday.plusDays(2));
                }
                case "month" -> monthOf(day.plusMonths(sign));
                case "year" -> yearOf(day.getYear() + sign);
                default -> {
                    LocalDate d = weekday(day, DayOfWeek.valueOf(unit.toUpperCase(Locale.ROOT)), sign);
                    yield days(d, d.plusDays(1));
                }
            });
        }
        Set<Integer> datedYears = new LinkedHashSet<>();
        for (Pattern p : List.of(DAY_MONTH_YEAR, MONTH_DAY_YEAR)) {
            Matcher m = p.matcher(lower);
            while (m.find()) {
                boolean dayFirst = p == DAY_MONTH_YEAR;
                int d = Integer.parseInt(m.group(dayFirst ? 1 : 2));
                Month month = Month.valueOf(m.group(dayFirst ? 2 : 1).toUpperCase(Locale.ROOT));
                int y = Integer.parseInt(m.group(3));
                if (d >= 1 && d <= month.length(Year.isLeap(y))) {
                    LocalDate date = LocalDate.of(y, month, d);
                    out.add(days(date, date.plusDays(1)));
                    datedYears.add(y);
                }
            }
        }
        Matcher my = MONTH_YEAR.matcher(lower);
        while (my.find()) {
            int y = Integer.parseInt(my.group(2));
            if (!datedYears.contains(y)) {
                out.add(monthOf(LocalDate.of(y, Month.valueOf(my.group(1).toUpperCase(Locale.ROOT)), 1)));
            }
        }
        Matcher im = IN_MONTH.matcher(lower);
        while (im.find()) {
            Month month = Month.valueOf(im.group(1).toUpperCase(Locale.ROOT));
            LocalDate first = LocalDate.of(day.getYear(), month, 1);
            out.add(monthOf(first.isAfter(day) ? first.minusYears(1) : first));
        }
        Matcher iy = IN_YEAR.matcher(lower);
        while (iy.find()) {
            out.add(yearOf(Integer.parseInt(iy.group(1))));
        }
        return out;
    }

    private static TimeRange days(LocalDate from, LocalDate toExclusive) {
        return new TimeRange(from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                toExclusive.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static TimeRange monthOf(LocalDate anyDay) {
        LocalDate first = anyDay.withDayOfMonth(1);
        return days(first, first.plusMonths(1));
    }

    private static TimeRange yearOf(int y) {
        return days(LocalDate.of(y, 1, 1), LocalDate.of(y + 1, 1, 1));
    }

    public static String keys(String text, Instant at) {
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
