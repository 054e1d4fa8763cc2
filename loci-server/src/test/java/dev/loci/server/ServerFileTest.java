package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerFileTest {
    @TempDir
    Path dir;

    @Test
    void version1FileAsWrittenByTheFirstReleaseIsRead() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("loci.server.v1")) {
            Files.copy(in, dir.resolve(ServerFile.FILE_NAME));
        }
        ServerFile f = ServerFile.read(dir).orElseThrow();
        assertEquals(4242, f.pid());
        assertEquals(URI.create("http://127.0.0.1:8080"), f.url());
        assertEquals(Instant.parse("2026-12-05T11:00:00Z"), f.started());
        assertEquals(Optional.of("acme"), f.access().tenantOf(f.access().token("acme")));
    }

    @Test
    void writtenOwnerReadableOnlyAndReadBack() throws IOException {
        LocalAccess access = LocalAccess.create();
        var f = new ServerFile(77, ServerFile.localUrl("0.0.0.0", 9000), Instant.parse("2026-01-01T00:00:00Z"), access);
        f.write(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ServerFile.FILE_NAME))));
        ServerFile back = ServerFile.read(dir).orElseThrow();
        assertEquals(77, back.pid());
        assertEquals(URI.create("http://127.0.0.1:9000"), back.url(), "every interface: reached on loopback");
        assertEquals(Optional.of("acme"), access.tenantOf(back.access().token("acme")), "the same secret");
        assertFalse(Files.exists(dir.resolve(ServerFile.FILE_NAME + ".tmp")));
    }

    @Test
    void deletedOnlyByTheServerThatWroteIt() {
        var mine = new ServerFile(1, URI.create("http://127.0.0.1:1"), Instant.EPOCH, LocalAccess.create());
        var theirs = new ServerFile(2, URI.create("http://127.0.0.1:2"), Instant.EPOCH, LocalAccess.create());
        theirs.write(dir);
        mine.deleteFrom(dir);
        assertEquals(2, ServerFile.read(dir).orElseThrow().pid(), "another server's file stays");
        theirs.deleteFrom(dir);
        assertTrue(ServerFile.read(dir).isEmpty());
    }

    @Test
    void aForeignOrDamagedFileIsNamed() throws IOException {
        Files.writeString(dir.resolve(ServerFile.FILE_NAME), "something else\n");
        var foreign = assertThrows(StorageException.class, () -> ServerFile.read(dir));
        assertTrue(foreign.getMessage().contains("is not a Loci server file of version 1"), foreign.getMessage());
        Files.writeString(dir.resolve(ServerFile.FILE_NAME), "loci-server 1\npid\tx\n");
        var damaged = assertThrows(StorageException.class, () -> ServerFile.read(dir));
        assertTrue(damaged.getMessage().contains("is corrupt"), damaged.getMessage());
    }

    @Test
    void localTokensGrantTheirTenantOnlyWithTheSecret() {
        LocalAccess access = LocalAccess.create();
        LocalAccess other = LocalAccess.create();
        assertEquals(Optional.of("acme"), access.tenantOf(access.token("acme")));
        assertEquals(Optional.of(""), access.tenantOf(access.token(null)), "no tenant: store-wide routes only");
        assertEquals(Optional.empty(), access.tenantOf(other.token("acme")), "another server's secret");
        assertEquals(Optional.empty(), access.tenantOf(access.token(null) + ".%%%"), "a tenant that is not base64url");
        assertEquals(Optional.empty(), access.tenantOf("loci_abc_def"), "an API key is not a local token");
        assertTrue(LocalAccess.isLocal(access.token("acme")));
    }
}
