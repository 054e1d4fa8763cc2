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
import java.util.stream.Collectors;

/**
 * Organises the turns of one remember call before they are written: gives them their index keys
 * ({@link IndexKeys}: speaker, preceding turn, absolute and resolved dates) and groups them into EPISODE memories
 * (see {@link EpisodeSegmenter}) that point to their turns and are indexed with their text.
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

    private EpisodeBuilder() {
    }

    public static List<StoredMemory> organise(Scope scope, List<Memory> turns, List<Embedding> vectors,
                                       ConsolidationConfig config) {
        return organise(scope, turns, vectors, config, null);
    }

    /**
     * @param previous the turn said just before the first of {@code turns} in the same scope,
     *                 remembered by an earlier call (its context key), or null
     */
    public static List<StoredMemory> organise(Scope scope, List<Memory> turns, List<Embedding> vectors,
                                       ConsolidationConfig config, Memory previous) {
        List<String> keys = IndexKeys.keys(turns, config, previous);
        if (!config.episodes() || turns.size() < config.minEpisodeTurns()) {
            List<StoredMemory> out = new ArrayList<>(turns.size());
            for (int i = 0; i < turns.size(); i++) {
                out.add(new StoredMemory(turns.get(i), vectors.get(i), keys.get(i)));
            }
            return out;
        }
        List<Integer> starts = EpisodeSegmenter.segment(vectors, config);
        String session = config.buildsLevels() ? SessionTopicNodes.sessionNodeId(scope) : null;
        List<StoredMemory> out = new ArrayList<>(turns.size() + starts.size());
        for (int e = 0; e < starts.size(); e++) {
            int from = starts.get(e);
            int to = e + 1 < starts.size() ? starts.get(e + 1) : turns.size();
            List<Memory> members = turns.subList(from, to);
            String episodeId = MemoryIds.forClientId(scope, "episode:" + members.get(0).id() + ":" + members.size());
            for (int i = from; i < to; i++) {
                out.add(new StoredMemory(withParent(turns.get(i), episodeId), vectors.get(i), keys.get(i)));
            }
            out.add(episode(episodeId, scope, members, vectors.subList(from, to), keys.subList(from, to), 1,
                    Importance.DEFAULT, session));
        }
        return out;
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
            for (String w : m.text().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
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
            String[] words = m.text().split("\\s+");
            for (int i = 1; i < words.length; i++) {
                String w = words[i].replaceAll("[^\\p{L}\\p{N}]", "");
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
