package dev.loci.internal.util;

import dev.loci.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Memory identifiers. A message with a client id gets an id derived from its scope and client id,
 * so remembering it twice finds the same id (idempotent ingest). Others get ids from a seeded
 * random source. Thread-safe.
 */
public final class MemoryIds {
    private final Random random;

    /** @param random source for ids of messages without client id; injected so tests are repeatable */
    public MemoryIds(Random random) {
        this.random = random;
    }

    /**
     * Id of version {@code version} of memory {@code id}, as kept once an update replaced it. Ids
     * Loci makes never contain '@', so these cannot collide with them.
     */
    public static String version(String id, int version) {
        return id + "@v" + version;
    }

    /** Whether {@code id} names an earlier version of an updated memory ({@link #version}). */
    public static boolean isVersion(String id) {
        int at = id.lastIndexOf("@v");
        if (at < 0 || at + 2 == id.length()) {
            return false;
        }
        for (int i = at + 2; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Deterministic id for a client id within a scope. */
    public static String forClientId(Scope scope, String clientId) {
        String key = String.join("\u0000", scope.tenant(), nz(scope.userId()), nz(scope.agentId()),
                nz(scope.sessionId()), clientId);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "m" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Where a user's PROFILE memory lives: one per user, whatever their sessions. */
    public static String profileId(String tenant, String userId) {
        return forClientId(new Scope(tenant, userId, null, null), "profile");
    }

    /** A fresh random id. */
    public String next() {
        byte[] b = new byte[16];
        synchronized (random) {
            random.nextBytes(b);
        }
        return "m" + HexFormat.of().formatHex(b);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
