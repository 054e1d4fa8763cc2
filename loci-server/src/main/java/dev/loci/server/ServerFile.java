package dev.loci.server;

import dev.loci.StorageException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running {@code loci serve} leaves in its data directory, in the file {@value #FILE_NAME}
 * beside the lock: its process id, the URL this machine reaches it at, when it started, and the
 * secret of its {@link LocalAccess}. The {@code loci} commands read it when they find the directory
 * locked, and then work through the server instead of failing.
 *
 * <p>Written once the server holds the directory (its engine is open), so a server that fails to
 * open a directory another process holds never overwrites that process's file; deleted when it
 * stops. A server killed outright leaves it behind: a reader tells that apart by the process id
 * and by whether the URL answers. Owner-readable only (mode 0600 where the file system has POSIX
 * permissions), since the secret lets its reader act as any tenant of the directory.
 *
 * <p>Format (text, UTF-8): a first line {@code loci-server 1} (magic and version), then
 * {@code name<TAB>value} lines {@code pid}, {@code url}, {@code started}, {@code secret}; unknown
 * names are ignored, so later versions may add lines.
 *
 * @param pid     the server's process id
 * @param url     where a client on this machine reaches it, {@code http://127.0.0.1:8080}
 * @param started when it started serving
 * @param access  the local access it accepts
 */
public record ServerFile(long pid, URI url, Instant started, LocalAccess access) {
    /** Name of the file inside the data directory. */
    public static final String FILE_NAME = "loci.server";
    static final String MAGIC = "loci-server";
    static final int VERSION = 1;

    /** The URL of a server listening on {@code host}:{@code port}, as a client on this machine calls it. */
    public static URI localUrl(String host, int port) {
        String h = host;
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                h = "127.0.0.1"; // listening on every interface: loopback is one of them
            }
        } catch (UnknownHostException e) {
            // a name the server itself bound, so it resolves; keep it as given
        }
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return URI.create("http://" + h + ":" + port);
    }

    /** Writes the file into {@code dataDir}, readable by its owner only; replaces any earlier one. */
    public void write(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        String text = MAGIC + " " + VERSION + "\n" + "pid\t" + pid + "\n" + "url\t" + url + "\n"
                + "started\t" + started + "\n" + "secret\t" + access.secret() + "\n";
        try {
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write " + file + ": " + e.getMessage(), true, e);
        }
    }

    /** Deletes the file from {@code dataDir} if it is still this server's (same pid and secret). */
    public void deleteFrom(Path dataDir) {
        try {
            Optional<ServerFile> there = read(dataDir);
            if (there.isPresent() && there.get().pid == pid
                    && there.get().access.secret().equals(access.secret())) {
                Files.deleteIfExists(dataDir.resolve(FILE_NAME));
            }
        } catch (IOException | StorageException e) {
            // stopping: a file left behind is recognised as stale by its readers
        }
    }

    /**
     * The file in {@code dataDir}, or empty when there is none.
     *
     * @throws StorageException when it cannot be read (another user's server) or is not such a file
     */
    public static Optional<ServerFile> read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new StorageException("cannot read " + file + ": permission denied (the server runs as another "
                    + "user; run the command as that user)", false, e);
        } catch (IOException e) {
            throw new StorageException("cannot read " + file + ": " + e.getMessage(), true, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC + " " + VERSION)) {
            throw new StorageException(file + " is not a Loci server file of version " + VERSION
                    + " (first line must be '" + MAGIC + " " + VERSION + "')", false);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                fields.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        try {
            return Optional.of(new ServerFile(Long.parseLong(required(fields, "pid")),
                    URI.create(required(fields, "url")), Instant.parse(required(fields, "started")),
                    LocalAccess.of(required(fields, "secret"))));
        } catch (RuntimeException e) {
            throw new StorageException(file + " is corrupt: " + e.getMessage(), false, e);
        }
    }

    private static String required(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no " + name + " line");
        }
        return v;
    }
}
