package dev.loci.server;

import dev.loci.InvalidInputException;
import dev.loci.Scope;
import dev.loci.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys of a data directory, in its file {@value #FILE_NAME}. A key reads
 * {@code loci_<id>_<secret>}: the id (12 hex digits) names the key in listings and revocations;
 * the secret is 256 random bits, base64url. The file keeps only the SHA-256 of each secret, so the
 * full key is shown once, when it is created, and never again.
 *
 * <p>File format (text, UTF-8): a first line {@code loci-api-keys 1} (magic and version), then one
 * line per key: {@code id tenant role createdAt sha256hex}, tab-separated.
 *
 * <p>Thread-safe. A server reads the file again when it changes on disk, so a key created or
 * revoked by {@code loci keys} while the server runs takes effect at its next request.
 */
public final class ApiKeys {
    /** Name of the keys file inside the data directory. */
    public static final String FILE_NAME = "api-keys";
    static final String MAGIC = "loci-api-keys";
    static final int VERSION = 1;
    private static final String PREFIX = "loci_";
    private static final int ID_BYTES = 6;
    private static final int SECRET_BYTES = 32;
    private static final byte[] NO_KEY_HASH = new byte[32];

    /**
     * One key as listed: never its secret.
     *
     * @param id        the visible part of the key, used to revoke it
     * @param tenant    the tenant every request with this key works in
     * @param role      what it may do
     * @param createdAt when it was created
     */
    public record Key(String id, String tenant, Role role, Instant createdAt) {
    }

    /**
     * A key just created.
     *
     * @param key   what is stored about it
     * @param token the full key to hand to the client ({@code Authorization: Bearer <token>}); not stored
     */
    public record Created(Key key, String token) {
    }

    private record Entry(Key key, byte[] hash) {
    }

    private final Path file;
    private final SecureRandom random;
    private final Clock clock;
    private volatile Map<String, Entry> entries = Map.of();
    private FileTime loadedModified;
    private long loadedSize = -1;

    private ApiKeys(Path file, SecureRandom random, Clock clock) {
        this.file = file;
        this.random = random;
        this.clock = clock;
    }

    /** The keys of {@code dataDir} (none yet if it has no keys file). */
    public static ApiKeys open(Path dataDir) {
        return open(dataDir, Clock.systemUTC());
    }

    static ApiKeys open(Path dataDir, Clock clock) {
        ApiKeys keys = new ApiKeys(dataDir.resolve(FILE_NAME), new SecureRandom(), clock);
        keys.reloadIfChanged();
        return keys;
    }

    /** Creates a key for the tenant with the role, durably; the returned token is its only copy. */
    public synchronized Created create(String tenant, Role role) {
        Scope.tenant(tenant); // validates the tenant like every scope
        if (role == null) {
            throw new InvalidInputException("role", "is required (read, write or admin)");
        }
        reloadIfChanged();
        byte[] idBytes = new byte[ID_BYTES];
        String id;
        do {
            random.nextBytes(idBytes);
            id = HexFormat.of().formatHex(idBytes);
        } while (entries.containsKey(id));
        byte[] secretBytes = new byte[SECRET_BYTES];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Key key = new Key(id, tenant, role, clock.instant());
        Map<String, Entry> next = new LinkedHashMap<>(entries);
        next.put(id, new Entry(key, sha256(secret)));
        write(next);
        return new Created(key, PREFIX + id + "_" + secret);
    }

    /** Every key, oldest first. */
    public List<Key> list() {
        reloadIfChanged();
        return entries.values().stream().map(Entry::key).toList();
    }

    /** Deletes the key with this id durably; returns whether it existed. */
    public synchronized boolean revoke(String id) {
        reloadIfChanged();
        if (id == null || !entries.containsKey(id)) {
            return false;
        }
        Map<String, Entry> next = new LinkedHashMap<>(entries);
        next.remove(id);
        write(next);
        return true;
    }

    /**
     * The key this token is, if it is a valid, unrevoked key. Compares hashes in constant time; an
     * unknown id costs the same hash and comparison as a known one.
     */
    public Optional<Key> authenticate(String token) {
        reloadIfChanged();
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int cut = token.indexOf('_', PREFIX.length());
        if (cut < 0) {
            return Optional.empty();
        }
        String id = token.substring(PREFIX.length(), cut);
        byte[] presented = sha256(token.substring(cut + 1));
        Entry entry = entries.get(id);
        boolean match = MessageDigest.isEqual(presented, entry == null ? NO_KEY_HASH : entry.hash());
        return match && entry != null ? Optional.of(entry.key()) : Optional.empty();
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            entries = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            loadedModified = modified;
            loadedSize = size;
        } catch (NoSuchFileException e) {
            entries = Map.of();
            loadedModified = null;
            loadedSize = -1;
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + e.getMessage(), true, e);
        }
    }

    private Map<String, Entry> parse(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC + " " + VERSION)) {
            throw new StorageException(file + " is not a Loci keys file of version " + VERSION
                    + " (first line must be '" + MAGIC + " " + VERSION + "')", false);
        }
        Map<String, Entry> parsed = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                if (f.length != 5) {
                    throw new IllegalArgumentException("expected 5 tab-separated fields, found " + f.length);
                }
                Key key = new Key(f[0], f[1], Role.parse("role", f[2]), Instant.parse(f[3]));
                parsed.put(f[0], new Entry(key, HexFormat.of().parseHex(f[4])));
            } catch (RuntimeException e) {
                throw new StorageException(file + " line " + (i + 1) + " is corrupt: " + e.getMessage(), false, e);
            }
        }
        return Map.copyOf(parsed);
    }

    private void write(Map<String, Entry> next) {
        List<String> lines = new ArrayList<>();
        lines.add(MAGIC + " " + VERSION);
        for (Entry e : next.values()) {
            Key k = e.key();
            lines.add(String.join("\t", k.id(), k.tenant(), k.role().label(), k.createdAt().toString(),
                    HexFormat.of().formatHex(e.hash())));
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            entries = Map.copyOf(next);
            loadedModified = Files.getLastModifiedTime(file);
            loadedSize = Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file + ": " + e.getMessage(), true, e);
        }
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
