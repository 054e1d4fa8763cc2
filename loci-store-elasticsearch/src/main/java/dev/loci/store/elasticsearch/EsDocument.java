package dev.loci.store.elasticsearch;

import dev.loci.Kind;
import dev.loci.Lifecycle;
import dev.loci.Memory;
import dev.loci.Scope;
import dev.loci.StorageException;
import dev.loci.spi.Embedding;
import dev.loci.spi.MemoryCodec;
import dev.loci.spi.StoredMemory;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One memory as an Elasticsearch document ({@code _source}). The whole memory is the
 * {@link MemoryCodec} record (binary, base64 in the source: the versioned format the Lucene
 * store and the logs share); the other fields exist to be filtered, ranked or sorted on. Recall
 * counts live in {@code accessCount}/{@code lastAccess} beside the record, so a recall can update
 * them without rewriting it; reads lay them over the record's lifecycle. Fields a read leaves out
 * of the source come back null (every field is boxed for that reason).
 */
record EsDocument(String tenant, String id, String user, String agent, String session, String kind, Long occurred,
                  Long recorded, Long validTo, Long expires, List<String> meta, String text, float[] vec,
                  byte[] record, Integer accessCount, Long lastAccess) {
    static final String TENANT = "tenant";
    static final String ID = "id";
    static final String USER = "user";
    static final String AGENT = "agent";
    static final String SESSION = "session";
    static final String KIND = "kind";
    static final String OCCURRED = "occurred";
    static final String RECORDED = "recorded";
    static final String VALID_TO = "validTo";
    static final String EXPIRES = "expires";
    static final String META = "meta";
    static final String TEXT = "text";
    static final String VECTOR = "vec";
    static final String RECORD = "record";
    static final String ACCESS_COUNT = "accessCount";
    static final String LAST_ACCESS = "lastAccess";
    /** What a read of whole memories fetches: the record and the counts, not the vector or tokens. */
    static final List<String> MEMORY_FIELDS = List.of(RECORD, ACCESS_COUNT, LAST_ACCESS);

    static EsDocument of(StoredMemory stored, String tokens) {
        Memory m = stored.memory();
        Scope s = m.scope();
        Lifecycle life = m.lifecycle();
        List<String> meta = m.metadata().entrySet().stream().map(e -> metaTerm(e.getKey(), e.getValue())).sorted()
                .toList();
        return new EsDocument(s.tenant(), m.id(), s.userId(), s.agentId(), s.sessionId(), m.kind().name(),
                micros(m.occurredAt()), micros(m.recordedAt()), m.validTo() == null ? null : micros(m.validTo()),
                life.expiresAt() == null ? null : micros(life.expiresAt()), meta, tokens, stored.embedding().toArray(),
                MemoryCodec.encode(m), life.accessCount(),
                life.lastAccessedAt() == null ? null : micros(life.lastAccessedAt()));
    }

    /** The memory, with the recall counts kept beside the record. */
    Memory memory() {
        if (record == null) {
            throw new StorageException("Elasticsearch document " + tenant + "/" + id + " has no record", false);
        }
        Memory m = MemoryCodec.decode(record);
        Lifecycle life = m.lifecycle();
        Long recordLast = life.lastAccessedAt() == null ? null : micros(life.lastAccessedAt());
        // Only counts a recall changed replace the record's (which keeps nanoseconds).
        if (accessCount != null && accessCount != life.accessCount()
                || lastAccess != null && !lastAccess.equals(recordLast)) {
            m = m.withLifecycle(new Lifecycle(accessCount == null ? life.accessCount() : accessCount,
                    lastAccess == null ? life.lastAccessedAt() : instant(lastAccess), life.expiresAt(), life.pinned(),
                    life.supersedes(), life.supersededBy()));
        }
        return m;
    }

    Embedding embedding() {
        if (vec == null) {
            throw new StorageException("Elasticsearch document " + tenant + "/" + id + " has no vector", false);
        }
        return Embedding.of(vec);
    }

    /** The partial document a recall-count update writes. */
    static Map<String, Object> counts(int accessCount, Long lastAccess) {
        var doc = new java.util.HashMap<String, Object>();
        doc.put(ACCESS_COUNT, accessCount);
        doc.put(LAST_ACCESS, lastAccess);
        return doc;
    }

    static String metaTerm(String key, String value) {
        return key + '\u0000' + value;
    }

    /** Times as epoch microseconds, the resolution of the embedded store's time filters. */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
