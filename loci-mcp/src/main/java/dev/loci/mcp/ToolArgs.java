package dev.loci.mcp;

import dev.loci.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The arguments of one tool call, read with the type each tool's schema declares. Every problem is
 * a {@link ToolArgumentException} naming the argument and what is allowed, so the model can fix its
 * call. JSON {@code null} counts as absent. Arguments the tool does not know are refused (a
 * misspelt {@code userId} must not silently act on the default user).
 */
final class ToolArgs {
    private final Map<String, Object> raw;

    ToolArgs(Map<String, Object> raw, Set<String> known) {
        this.raw = raw == null ? Map.of() : raw;
        for (String name : this.raw.keySet()) {
            if (!known.contains(name)) {
                throw new ToolArgumentException(name, "is not an argument of this tool; it takes "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    String requiredString(String name) {
        String value = optionalString(name);
        if (value == null) {
            throw new ToolArgumentException(name, "is required (a non-empty string)");
        }
        return value;
    }

    String optionalString(String name) {
        Object value = raw.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new ToolArgumentException(name, "must be a string, was " + describe(value));
        }
        if (s.isBlank()) {
            throw new ToolArgumentException(name, "must not be blank");
        }
        return s;
    }

    int optionalInt(String name, int min, int max, int fallback) {
        Object value = raw.get(name);
        if (value == null) {
            return fallback;
        }
        long n = switch (value) {
            case Integer i -> i;
            case Long l -> l;
            case Short s -> s;
            case BigInteger b when b.bitLength() < 63 -> b.longValue();
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> d.longValue();
            case Float f when f == Math.rint(f) && Math.abs(f) < 1e7 -> f.longValue();
            case BigDecimal b when b.stripTrailingZeros().scale() <= 0 && b.abs().compareTo(BigDecimal.valueOf(1e15)) < 0 ->
                    b.longValue();
            default -> throw new ToolArgumentException(name,
                    "must be an integer in " + min + ".." + max + ", was " + describe(value));
        };
        if (n < min || n > max) {
            throw new ToolArgumentException(name, "must be an integer in " + min + ".." + max + ", was " + n);
        }
        return (int) n;
    }

    boolean optionalBoolean(String name, boolean fallback) {
        Object value = raw.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw new ToolArgumentException(name, "must be true or false, was " + describe(value));
        }
        return b;
    }

    /** An ISO-8601 instant ({@code 2024-03-02T18:10:00Z}, with any offset) or a date (its start, UTC). */
    Instant optionalInstant(String name) {
        String text = optionalString(name);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw new ToolArgumentException(name,
                        "must be an ISO-8601 date-time like 2024-03-02T18:10:00Z or a date like 2024-03-02, was \""
                                + text + "\"");
            }
        }
    }

    /** An object whose values are all strings. */
    Map<String, String> optionalStringMap(String name) {
        Object value = raw.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ToolArgumentException(name, "must be an object of string values, was " + describe(value));
        }
        var out = new LinkedHashMap<String, String>();
        for (var e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ToolArgumentException(name + "." + e.getKey(),
                        "must be a string, was " + describe(e.getValue()));
            }
            out.put(String.valueOf(e.getKey()), s);
        }
        return out;
    }

    /** An array of kind names, case-insensitive; empty when absent. */
    Set<Kind> optionalKinds(String name) {
        Object value = raw.get(name);
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ToolArgumentException(name, "must be an array of kinds (" + kindNames() + "), was "
                    + describe(value));
        }
        var kinds = EnumSet.noneOf(Kind.class);
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            Kind kind = item instanceof String s ? kind(s) : null;
            if (kind == null) {
                throw new ToolArgumentException(name + "[" + i + "]", "must be one of " + kindNames() + ", was "
                        + describe(item));
            }
            kinds.add(kind);
        }
        return kinds;
    }

    static List<String> kindNames() {
        return EnumSet.allOf(Kind.class).stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static Kind kind(String name) {
        for (Kind k : Kind.values()) {
            if (k.name().equalsIgnoreCase(name.strip())) {
                return k;
            }
        }
        return null;
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
            case Boolean b -> "the boolean " + b;
            case Number n -> "the number " + n;
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> "a " + value.getClass().getSimpleName();
        };
    }
}
