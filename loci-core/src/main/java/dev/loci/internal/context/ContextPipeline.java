package dev.loci.internal.context;

import dev.loci.ContextBlock.Fidelity;
import dev.loci.ContextBlock.Item;
import dev.loci.ContextBlock;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.RecallConfig;
import dev.loci.Memory;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.internal.recall.RecallPipeline;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.MemoryStore;
import dev.loci.spi.TokenCounter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compression, top to bottom:
 * <ol>
 *   <li>recall the strongest {@value #CANDIDATES} memories for the query, and fetch the user's
 *       profile by its id if one exists;</li>
 *   <li>choose each one's fidelity in rank order, so the most relevant get the most room: its
 *       full text if that still fits, else the summary of its episode (one line shared by all
 *       its recalled turns), else a one-line placeholder with its date, speaker and first words,
 *       else nothing;</li>
 *   <li>render the profile first, then the chosen lines oldest first, each with its date;</li>
 *   <li>count the rendered block with the tokenizer and, should joining lines have pushed it
 *       over the budget, drop the least relevant line until it fits.</li>
 * </ol>
 * Thread-safe.
 */
public final class ContextPipeline {
    /** Memories considered for a block. */
    static final int CANDIDATES = 30;
    /** Words a placeholder keeps. */
    static final int PLACEHOLDER_WORDS = 8;
    static final String HEADER = "Relevant memories (oldest first):";
    static final String PROFILE_HEADER = "About the user:";
    /**
     * Most of the budget the profile may take (its first lines that fit), so the memories that
     * answer the query keep most of the room.
     */
    static final double PROFILE_SHARE = 0.25;
    /** Largest budget accepted. */
    public static final int MAX_BUDGET = 1_000_000;

    private final RecallPipeline recall;
    private final MemoryStore store;
    private final TokenCounter counter;

    public ContextPipeline(RecallPipeline recall, MemoryStore store, TokenCounter counter) {
        this.recall = recall;
        this.store = store;
        this.counter = counter;
    }

    public ContextBlock context(Scope scope, RecallQuery query, int budget, RecallConfig config) {
        if (budget < 1 || budget > MAX_BUDGET) {
            throw new InvalidInputException("budget", "must be in 1.." + MAX_BUDGET + " tokens, was " + budget);
        }
        if (query == null) {
            throw new InvalidInputException("query", "is required");
        }
        List<Recalled> recalled = recall.recall(scope, query.withK(Math.max(query.k(), CANDIDATES)), config).results();
        Optional<Memory> profile = query.kinds().isEmpty() ? profile(scope) : Optional.empty();

        Line profileLine = profile.map(p -> new Line(p, p.id(), Fidelity.FULL, Double.MAX_VALUE,
                profileText(p, (int) (budget * PROFILE_SHARE)), new ArrayList<>(List.of(p.id()))))
                .filter(l -> l.text.contains("\n")).orElse(null);
        int reserved = counter.count(HEADER) + (profileLine == null ? 0 : counter.count(profileLine.text) + 2);
        List<Line> lines = new ArrayList<>(choose(scope, recalled, budget - reserved));
        while (true) {
            String text = render(profileLine, lines);
            int tokens = text.isEmpty() ? 0 : counter.count(text);
            if (tokens <= budget) {
                List<Item> items = new ArrayList<>();
                if (profileLine != null) {
                    items.add(profileLine.item());
                }
                ordered(lines).forEach(l -> items.add(l.item()));
                return new ContextBlock(text, tokens, budget, counter.name(), items);
            }
            if (!lines.isEmpty()) {
                lines.remove(lines.stream().min(Comparator.comparingDouble(Line::relevance)).orElseThrow());
            } else {
                profileLine = null; // the profile alone is over the budget
            }
        }
    }

    /**
     * The profile's header and as much of its text, from the top, as fits in {@code cap} tokens:
     * whole lines while they fit, then the first items ({@code "; "}-separated) of the line that
     * does not; a subject's name line ({@code "Maya:"}) only with something under it.
     */
    private String profileText(Memory profile, int cap) {
        var out = new StringBuilder(PROFILE_HEADER);
        int used = counter.count(PROFILE_HEADER);
        String[] lines = profile.text().split("\n");
        String subject = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith(":") && i + 1 < lines.length && lines[i + 1].startsWith(" ")) {
                subject = line;
                continue;
            }
            String prefix = subject == null ? "" : subject + "\n";
            String fitted = fits(prefix + line, cap - used) ? line : firstItems(prefix, line, cap - used);
            if (fitted == null) {
                break;
            }
            out.append('\n').append(prefix).append(fitted);
            used += counter.count(prefix + fitted) + 1;
            subject = null;
            if (!fitted.equals(line)) {
                break;
            }
        }
        return out.toString();
    }

    /** The longest run of a line's first items that fits after {@code prefix}; null if none does. */
    private String firstItems(String prefix, String line, int room) {
        int colon = line.indexOf(": ");
        if (colon < 0) {
            return null;
        }
        String head = line.substring(0, colon + 2);
        String fitted = null;
        for (String item : line.substring(colon + 2).split("; ")) {
            String candidate = fitted == null ? head + item : fitted + "; " + item;
            if (!fits(prefix + candidate, room)) {
                break;
            }
            fitted = candidate;
        }
        return fitted;
    }

    private boolean fits(String text, int room) {
        return counter.count(text) + 1 <= room;
    }

    /** The user's profile: the PROFILE memory at {@link MemoryIds#profileId}, looked up without a search. */
    private Optional<Memory> profile(Scope scope) {
        if (scope.userId() == null) {
            return Optional.empty();
        }
        return store.get(scope.tenant(), MemoryIds.profileId(scope.tenant(), scope.userId()))
                .filter(m -> m.kind() == Kind.PROFILE);
    }

    /**
     * Fidelity per memory within the budget (each line costs its tokens and a newline), most
     * relevant first: its full text if that fits in what is left, else its episode's summary
     * (one line for all of the episode's recalled turns), else its placeholder, else nothing.
     */
    private List<Line> choose(Scope scope, List<Recalled> recalled, int budget) {
        int left = budget;
        Map<String, Line> summaries = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        for (Recalled r : recalled) {
            Memory m = r.memory();
            String full = line(m, m.text());
            if (cost(full) <= left) {
                lines.add(new Line(m, m.id(), Fidelity.FULL, r.score(), full, new ArrayList<>(List.of(m.id()))));
                left -= cost(full);
                continue;
            }
            Optional<Memory> episode = m.parentId() == null ? Optional.empty() : store.get(scope.tenant(), m.parentId());
            if (episode.isPresent() && summaries.containsKey(episode.get().id())) {
                summaries.get(episode.get().id()).covers.add(m.id());
                continue;
            }
            if (episode.isPresent()) {
                String summary = line(episode.get(), "(summary) " + episode.get().text());
                if (cost(summary) <= left) {
                    Line l = new Line(episode.get(), episode.get().id(), Fidelity.SUMMARY, r.score(), summary,
                            new ArrayList<>(List.of(m.id())));
                    summaries.put(episode.get().id(), l);
                    lines.add(l);
                    left -= cost(summary);
                    continue;
                }
            }
            String placeholder = line(m, firstWords(m.text()));
            if (cost(placeholder) <= left) {
                lines.add(new Line(m, m.id(), Fidelity.PLACEHOLDER, r.score(), placeholder,
                        new ArrayList<>(List.of(m.id()))));
                left -= cost(placeholder);
            }
        }
        return lines;
    }

    private int cost(String line) {
        return counter.count(line) + 1;
    }

    private static String render(Line profile, List<Line> lines) {
        var sb = new StringBuilder();
        if (profile != null) {
            sb.append(profile.text);
        }
        if (!lines.isEmpty()) {
            if (!sb.isEmpty()) {
                sb.append("\n\n");
            }
            sb.append(HEADER);
            for (Line l : ordered(lines)) {
                sb.append('\n').append(l.text);
            }
        }
        return sb.toString();
    }

    private static List<Line> ordered(List<Line> lines) {
        return lines.stream().sorted(Comparator.comparing((Line l) -> l.shown.occurredAt())
                .thenComparing(l -> -l.relevance)).toList();
    }

    private static String line(Memory m, String text) {
        String day = LocalDate.ofInstant(m.occurredAt(), ZoneOffset.UTC).toString();
        String who = m.speaker() != null ? m.speaker() + ": " : "";
        return "[" + day + "] " + who + text.replace('\n', ' ');
    }

    static String firstWords(String text) {
        String[] words = text.trim().split("\\s+");
        if (words.length <= PLACEHOLDER_WORDS) {
            return String.join(" ", words);
        }
        return String.join(" ", List.of(words).subList(0, PLACEHOLDER_WORDS)) + " …";
    }

    /** A line of the block: the memory it shows, at what fidelity, and what it stands for. */
    private record Line(Memory shown, String id, Fidelity fidelity, double relevance, String text,
                        List<String> covers) {
        Item item() {
            return new Item(id, covers, fidelity, relevance);
        }
    }
}
