package dev.loci.internal.hierarchy;

import dev.loci.Kind;
import dev.loci.ConsolidationConfig;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.Importance;
import dev.loci.internal.util.IndexKeys;
import dev.loci.internal.util.MemoryIds;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoredMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Groups a conversation's turns into EPISODE memories (see {@link EpisodeSegmenter}) that point to
 * their turns and are indexed with their turns' keys ({@link IndexKeys}: speaker, preceding turn,
 * absolute and resolved dates). A conversation is remembered a call at a time, often one or two
 * turns per call: the turns in no episode yet form its open tail ({@link EpisodeTails}), which
 * each call organises again together with its new turns ({@link #organise}).
 * An episode's vector is the normalised mean of its turns' vectors: nothing is embedded twice.
 * An episode's text is extractive: its most central turns, in order. When level 2 is built, an
 * episode names its session's SESSION node as its parent from the start (the node's id follows
 * from the scope; {@link SessionTopicNodes} builds the node in the background). Stateless.
 */
public final class EpisodeBuilder {
    /** Turns quoted in an episode's summary. */
    private static final int SUMMARY_TURNS = 2;
    private static final Set<String> STOP = Set.of("the", "and", "that", "this", "with", "for", "you", "your", "was",
            "are", "have", "has", "had", "but", "not", "just", "what", "about", "really", "they", "them", "from",
            "it's", "i'm", "that's", "there", "their", "would", "could", "been", "were", "will", "when", "how",
            "all", "out", "some", "like", "also", "too", "can", "did", "get", "got", "its", "our", "she", "her",
            "him", "his", "one", "much", "more", "yeah", "wow", "thanks", "great", "good", "love", "very");

    /** Compiled once: an episode is built on the path of a remember call. */
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]");

    private EpisodeBuilder() {
    }

    /**
     * What organising a conversation gives: the records to write and the turns left open.
     *
     * @param turns    the call's new turns, keyed, with their episode link when one closed over them
     * @param adopted  turns of the open tail (written by earlier calls) that an episode closed over
     *                 now, with the link: they are written again
     * @param episodes the episodes closed now
     * @param open     the conversation's open tail after this call: turns in no episode yet, in order
     * @param primer   the latest episodes closed before {@code open} (none after a silence): the
     *                 segmenter continues from them when the tail is next organised
     */
    public record Organised(List<StoredMemory> turns, List<StoredMemory> adopted, List<StoredMemory> episodes,
                            List<StoredMemory> open, Primer primer) {
        /** Everything to write, turns before episodes. */
        public List<StoredMemory> records() {
            var out = new ArrayList<StoredMemory>(turns.size() + adopted.size() + episodes.size());
            out.addAll(turns);
            out.addAll(adopted);
            out.addAll(episodes);
            return out;
        }
    }

    /**
     * Segments a conversation's open {@code tail} (turns of the scope in no episode yet, oldest
     * first) followed by the call's {@code fresh} turns (keyed already) into episodes
     * ({@link EpisodeSegmenter}). Where the next turn was said more than
     * {@link ConsolidationConfig#episodeGap()} after the one before, everything before is closed.
     * Of the last run, every episode but the last closes; the last stays open for the next call to
     * continue, unless it reached {@link ConsolidationConfig#maxEpisodeTurns()} or {@code closeAll}
     * (a flush) is set. A boundary followed by a single turn is not trusted yet (refinement may
     * still move it once the next turn is known): the episode before it stays open too, unless it
     * is full. Deterministic: the same tail and turns give the same episodes and ids.
     *
     * @param closeAll close every turn into an episode: a flush, or a call that opens a
     *                 conversation with a whole chunk of it
     * @param before   the turn said just before the tail (or the fresh turns), or null
     * @param primer   the latest episodes closed before the tail (the last ending with
     *                 {@code before}): the segmenter continues from them as if the conversation
     *                 were segmented in one run
     */
    public static Organised organise(Scope scope, List<StoredMemory> tail, List<StoredMemory> fresh,
                                     ConsolidationConfig config, boolean closeAll, Memory before,
                                     Primer primer) {
        List<StoredMemory> all = new ArrayList<>(tail.size() + fresh.size());
        all.addAll(tail);
        all.addAll(fresh);
        int n = all.size();
        if (n > 0 && before != null && silence(before, all.get(0).memory(), config)) {
            primer = Primer.NONE;
        }
        Primer atRunStart = primer;
        var episodes = new ArrayList<int[]>();
        int runStart = 0;
        for (int i = 1; i < n; i++) {
            if (silence(all.get(i - 1).memory(), all.get(i).memory(), config)) {
                addSegments(episodes, segment(all, runStart, i, atRunStart, config), i);
                runStart = i;
                atRunStart = Primer.NONE;
            }
        }
        int openFrom = n;
        if (n > runStart) {
            List<Integer> starts = segment(all, runStart, n, atRunStart, config);
            int last = starts.size() - 1;
            int k = closeAll ? starts.size() : last;
            int max = config.maxEpisodeTurns();
            if (!closeAll) {
                if (k > 0 && n - starts.get(k) < 2 && starts.get(k) - starts.get(k - 1) < max) {
                    k--; // the last boundary is not trusted yet
                }
                if (n - starts.get(k) >= max) {
                    k++; // the open part is full: its first episode closes
                }
                openFrom = k > last ? n : starts.get(k);
            }
            addSegments(episodes, starts.subList(0, k), openFrom);
        }
        String session = config.buildsLevels() ? SessionTopicNodes.sessionNodeId(scope) : null;
        var out = new ArrayList<StoredMemory>(all.size());
        var built = new ArrayList<StoredMemory>(episodes.size());
        for (int[] e : episodes) {
            List<StoredMemory> members = all.subList(e[0], e[1]);
            String episodeId = MemoryIds.forClientId(scope,
                    "episode:" + members.get(0).memory().id() + ":" + members.size());
            var turns = new ArrayList<Memory>(members.size());
            for (StoredMemory m : members) {
                Memory linked = withParent(m.memory(), episodeId);
                turns.add(linked);
                out.add(new StoredMemory(linked, m.embedding(), m.indexText()));
            }
            built.add(episode(episodeId, scope, turns, members.stream().map(StoredMemory::embedding).toList(),
                    members.stream().map(StoredMemory::indexText).toList(), 1, Importance.DEFAULT, session));
        }
        out.addAll(all.subList(openFrom, n));
        // The episodes closed in the last run, after those it started from, prime the next call.
        Primer next = atRunStart;
        for (int[] e : episodes) {
            if (e[0] >= runStart) {
                next = next.then(all.subList(e[0], e[1]).stream().map(StoredMemory::embedding).toList(),
                        config.noveltyWindow() + 1);
            }
        }
        Set<String> fromTail = tail.stream().map(m -> m.memory().id()).collect(Collectors.toSet());
        return new Organised(out.stream().filter(m -> !fromTail.contains(m.memory().id())).toList(),
                out.stream().filter(m -> fromTail.contains(m.memory().id()) && m.memory().parentId() != null).toList(),
                built, List.copyOf(all.subList(openFrom, n)), next);
    }

    /** Whether {@code next} was said more than the episode gap after {@code previous}. */
    private static boolean silence(Memory previous, Memory next, ConsolidationConfig config) {
        return java.time.Duration.between(previous.occurredAt(), next.occurredAt()).compareTo(config.episodeGap()) > 0;
    }

    /** Episode start offsets (absolute) of {@code all[from, to)}, after the {@code primer} episode. */
    private static List<Integer> segment(List<StoredMemory> all, int from, int to, Primer primer,
                                         ConsolidationConfig config) {
        List<Embedding> vectors = all.subList(from, to).stream().map(StoredMemory::embedding).toList();
        return EpisodeSegmenter.segment(primer, vectors, config).stream().map(s -> s + from).toList();
    }

    /** Adds the episodes starting at {@code starts}, the last one ending at {@code end}. */
    private static void addSegments(List<int[]> episodes, List<Integer> starts, int end) {
        for (int e = 0; e < starts.size(); e++) {
            episodes.add(new int[] {starts.get(e), e + 1 < starts.size() ? starts.get(e + 1) : end});
        }
    }

    /**
     * The episode {@code old} built again over {@code members} (the turns of it that remain, in
     * order): same id, importance and parent, next version; text, keyphrases, entities, provenance,
     * index keys and vector come from the members alone.
     */
    public static StoredMemory rebuiltEpisode(Memory old, List<Memory> members, List<Embedding> vectors, List<String> keys) {
        return episode(old.id(), old.scope(), members, vectors, keys, old.version() + 1, old.importance(),
                old.parentId());
    }

    /**
     * An episode quotes its turns, so it expires with them: when every turn has an expiry, at the
     * latest of them (while some turn lives on, the episode does too, and the sweep that deletes the
     * expired turns rebuilds it without them).
     */
    private static Memory withExpiry(Memory episode, List<Memory> members) {
        java.time.Instant latest = null;
        for (Memory m : members) {
            java.time.Instant at = m.lifecycle().expiresAt();
            if (at == null) {
                return episode;
            }
            latest = latest == null || at.isAfter(latest) ? at : latest;
        }
        return latest == null ? episode : episode.withLifecycle(episode.lifecycle().withExpiresAt(latest));
    }

    private static StoredMemory episode(String id, Scope scope, List<Memory> members, List<Embedding> vectors,
                                        List<String> keys, int version, double importance, String parentId) {
        int dims = vectors.get(0).dimensions();
        float[] mean = new float[dims];
        for (Embedding v : vectors) {
            for (int d = 0; d < dims; d++) {
                mean[d] += v.get(d);
            }
        }
        Embedding centroid = Embedding.normalized(mean);
        // Most central turns (closest to the centroid), quoted in their original order.
        List<Integer> central = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            central.add(i);
        }
        central.sort(Comparator.comparingDouble((Integer i) -> -vectors.get(i).dot(centroid)).thenComparing(i -> i));
        String summary = central.subList(0, Math.min(SUMMARY_TURNS, central.size())).stream().sorted()
                .map(i -> IndexKeys.embedText(members.get(i))).collect(Collectors.joining(" … "));
        Memory first = members.get(0);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("keyphrases", String.join(", ", keyphrases(members)));
        metadata.put("entities", String.join(", ", entities(members)));
        var episode = Memory.builder().id(id).scope(scope).kind(Kind.EPISODE).text(summary)
                .occurredAt(first.occurredAt()).recordedAt(first.recordedAt()).validFrom(first.occurredAt())
                .sourceIds(members.stream().map(m -> m.clientId() == null ? m.id() : m.clientId()).toList())
                .parentId(parentId).childIds(members.stream().map(Memory::id).toList()).version(version)
                .importance(importance).metadata(metadata).build();
        return new StoredMemory(withExpiry(episode, members), centroid, String.join("\n", keys));
    }

    public static Memory withParent(Memory m, String parentId) {
        return m.toBuilder().parentId(parentId).build();
    }

    /** The most frequent content words of the episode (at most five). */
    static List<String> keyphrases(List<Memory> members) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Memory m : members) {
            for (String w : NON_WORD.split(m.text().toLowerCase(Locale.ROOT))) {
                if (w.length() > 3 && !STOP.contains(w)) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        return counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(5).map(Map.Entry::getKey).toList();
    }

    /** Capitalised words that do not start a sentence: names, places (at most five). */
    static List<String> entities(List<Memory> members) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Memory m : members) {
            String[] words = SPACE.split(m.text());
            for (int i = 1; i < words.length; i++) {
                String w = NOT_LETTER_OR_DIGIT.matcher(words[i]).replaceAll("");
                boolean sentenceStart = words[i - 1].endsWith(".") || words[i - 1].endsWith("!") || words[i - 1].endsWith("?");
                if (w.length() > 1 && Character.isUpperCase(w.charAt(0)) && !sentenceStart && !w.equals("I")) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(5).map(Map.Entry::getKey).toList();
    }
}
