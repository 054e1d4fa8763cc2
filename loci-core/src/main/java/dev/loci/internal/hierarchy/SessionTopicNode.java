package dev.loci.internal.hierarchy;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.internal.util.Importance;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One level-2 node kept up to date in memory: a SESSION over the episodes of one session, or a
 * TOPIC over related episodes of one user. It holds each member episode's record and vector and
 * the running sum of those vectors, so adding an episode, or writing the node again, reads and
 * embeds nothing: the node's vector is the normalised sum, its text the most central members'
 * summaries (extractive, bounded), its index keys the members' keyphrases and entities.
 *
 * <p>Not thread-safe: {@link SessionTopicNodes} guards every node with its lock.
 */
final class SessionTopicNode {
    /** Member summaries quoted in the node's text. */
    static final int SUMMARY_EPISODES = 3;
    /** Most characters quoted from one member's summary. */
    static final int QUOTE_CHARS = 400;
    /** Keyphrases and entities kept in the node's metadata. */
    static final int METADATA_TERMS = 10;
    /** Keyphrases and entities in the node's index keys (the most frequent; bounds the record a big topic rewrites). */
    static final int KEY_TERMS = 50;

    private final String id;
    private final Scope scope;
    private final Kind kind;
    private int version;
    private final Instant recordedAt;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private float[] sum;
    /** How many members name each keyphrase, and each entity: kept as members come and go. */
    private final Map<String, Integer> keyphrases = new LinkedHashMap<>();
    private final Map<String, Integer> entities = new LinkedHashMap<>();
    private Embedding mean;
    private boolean dirty;

    /** A member episode as it is stored, with its vector. */
    record Member(Memory episode, Embedding vector) {
    }

    /**
     * @param version    the version stored so far (0 for a node never written)
     * @param recordedAt when the node was first built
     */
    SessionTopicNode(String id, Scope scope, Kind kind, int version, Instant recordedAt) {
        this.id = id;
        this.scope = scope;
        this.kind = kind;
        this.version = version;
        this.recordedAt = recordedAt;
    }

    String id() {
        return id;
    }

    Kind kind() {
        return kind;
    }

    Scope scope() {
        return scope;
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    boolean contains(String episodeId) {
        return members.containsKey(episodeId);
    }

    /** Whether the node changed since it was last {@link #build built}. */
    boolean dirty() {
        return dirty;
    }

    /**
     * Compares the node, just loaded with its members from the store, with its stored children:
     * it needs writing only if it was never written or they differ (episodes added or lost since).
     */
    void compareWithStored(List<String> storedChildIds) {
        dirty = storedChildIds == null || !storedChildIds.equals(childIds());
    }

    /** The members' ids, oldest first: the node's children. */
    List<String> childIds() {
        return ordered().stream().map(m -> m.episode().id()).toList();
    }

    private List<Member> ordered() {
        List<Member> ordered = new ArrayList<>(members.values());
        ordered.sort(Comparator.comparing((Member m) -> m.episode().occurredAt()).thenComparing(m -> m.episode().id()));
        return ordered;
    }

    /** Adds the episode, or replaces an older version of it; false if this version is a member already. */
    boolean add(Memory episode, Embedding vector) {
        Member old = members.get(episode.id());
        if (old != null && old.episode().version() == episode.version()) {
            return false;
        }
        if (old != null) {
            remove(episode.id());
        }
        members.put(episode.id(), new Member(episode, vector));
        count(keyphrases, episode, "keyphrases", 1);
        count(entities, episode, "entities", 1);
        if (sum == null) {
            sum = new float[vector.dimensions()];
        }
        for (int d = 0; d < sum.length; d++) {
            sum[d] += vector.get(d);
        }
        mean = null;
        dirty = true;
        return true;
    }

    /** Removes the episode; false if it was no member. */
    boolean remove(String episodeId) {
        Member gone = members.remove(episodeId);
        if (gone == null) {
            return false;
        }
        for (int d = 0; d < sum.length; d++) {
            sum[d] -= gone.vector().get(d);
        }
        count(keyphrases, gone.episode(), "keyphrases", -1);
        count(entities, gone.episode(), "entities", -1);
        mean = null;
        dirty = true;
        return true;
    }

    /** Cosine of {@code v} to the node's mean vector (both unit length). */
    double similarity(Embedding v) {
        return v.dot(mean());
    }

    /** The normalised mean of the members' vectors (the first member's when they cancel out). */
    Embedding mean() {
        if (mean == null) {
            double norm = 0;
            for (float x : sum) {
                norm += (double) x * x;
            }
            mean = norm > 1e-12 ? Embedding.normalized(sum) : members.values().iterator().next().vector();
        }
        return mean;
    }

    /** The node's record at its next version, with its vector and index keys; clears {@link #dirty()}. */
    StoredMemory build() {
        List<Member> ordered = ordered();
        Embedding centroid = mean();
        List<Member> central = new ArrayList<>(ordered);
        central.sort(Comparator.comparingDouble((Member m) -> -m.vector().dot(centroid))
                .thenComparing(m -> m.episode().occurredAt()).thenComparing(m -> m.episode().id()));
        Set<Member> quoted = Set.copyOf(central.subList(0, Math.min(SUMMARY_EPISODES, central.size())));
        String summary = ordered.stream().filter(quoted::contains).map(m -> quote(m.episode().text()))
                .collect(Collectors.joining(" … "));
        List<String> phrases = top(keyphrases, KEY_TERMS);
        List<String> names = top(entities, KEY_TERMS);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("keyphrases", String.join(", ", phrases.subList(0, Math.min(METADATA_TERMS, phrases.size()))));
        metadata.put("entities", String.join(", ", names.subList(0, Math.min(METADATA_TERMS, names.size()))));
        Instant first = ordered.get(0).episode().occurredAt();
        version++;
        dirty = false;
        var node = Memory.builder().id(id).scope(scope).kind(kind).text(summary).occurredAt(first)
                .recordedAt(recordedAt).validFrom(first).childIds(ordered.stream().map(m -> m.episode().id()).toList())
                .version(version).importance(Importance.DEFAULT).metadata(metadata).build();
        String keys = summary + "\n" + String.join(" ", phrases) + "\n" + String.join(" ", names);
        return new StoredMemory(node, centroid, keys);
    }

    /** At most {@link #QUOTE_CHARS} characters of {@code text}, cut at a word boundary. */
    static String quote(String text) {
        if (text.length() <= QUOTE_CHARS) {
            return text;
        }
        int cut = text.lastIndexOf(' ', QUOTE_CHARS);
        int end = cut > QUOTE_CHARS / 2 ? cut : QUOTE_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** Adds {@code delta} to the count of each of the episode's comma-separated terms under {@code key}. */
    private static void count(Map<String, Integer> counts, Memory episode, String key, int delta) {
        String joined = episode.metadata().get(key);
        if (joined == null || joined.isBlank()) {
            return;
        }
        for (String term : new LinkedHashSet<>(Arrays.asList(joined.split(",\\s*")))) {
            if (!term.isBlank()) {
                counts.merge(term, delta, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    /** The {@code n} terms most members name (ties: first seen). */
    private static List<String> top(Map<String, Integer> counts, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .map(Map.Entry::getKey).toList();
    }
}
