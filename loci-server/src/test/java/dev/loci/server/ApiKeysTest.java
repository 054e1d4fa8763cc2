package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path dir;

    @Test
    void createdKeyAuthenticatesAndOnlyItsHashIsStored() throws Exception {
        ApiKeys keys = ApiKeys.open(dir);
        ApiKeys.Created created = keys.create("acme", Role.WRITE);
        assertTrue(created.token().startsWith("loci_" + created.key().id() + "_"));
        assertEquals(created.key(), keys.authenticate(created.token()).orElseThrow());
        String file = Files.readString(dir.resolve(ApiKeys.FILE_NAME), StandardCharsets.UTF_8);
        assertTrue(file.startsWith("loci-api-keys 1\n"), file);
        // loci_<hex id>_<secret>: the secret is base64url and may itself contain '_'
        String secret = created.token().substring(created.token().indexOf('_', "loci_".length()) + 1);
        assertFalse(file.contains(secret.substring(0, 20)), "secret stored in clear");
        assertTrue(file.contains(created.key().id()));
    }

    @Test
    void wrongSecretsUnknownIdsAndJunkAreRefused() {
        ApiKeys keys = ApiKeys.open(dir);
        String token = keys.create("acme", Role.READ).token();
        assertTrue(keys.authenticate(token.substring(0, token.length() - 1) + "x").isEmpty());
        assertTrue(keys.authenticate("loci_ffffffffffff_" + token.substring(token.indexOf('_', "loci_".length()) + 1)).isEmpty());
        assertTrue(keys.authenticate("").isEmpty());
        assertTrue(keys.authenticate(null).isEmpty());
        assertTrue(keys.authenticate("loci_").isEmpty());
        assertTrue(keys.authenticate("Bearer " + token).isEmpty());
    }

    @Test
    void revokeAndReloadFromAnotherInstance() {
        ApiKeys server = ApiKeys.open(dir);
        ApiKeys cli = ApiKeys.open(dir);
        var a = cli.create("acme", Role.ADMIN);
        var b = cli.create("globex", Role.READ);
        assertEquals(2, server.list().size());
        assertTrue(server.authenticate(a.token()).isPresent());
        assertTrue(cli.revoke(a.key().id()));
        assertFalse(cli.revoke(a.key().id()));
        assertTrue(server.authenticate(a.token()).isEmpty(), "revocation seen by the running server");
        assertEquals("globex", server.authenticate(b.token()).orElseThrow().tenant());
        assertEquals(1, ApiKeys.open(dir).list().size());
    }

    @Test
    void badTenantAndCorruptFile() throws Exception {
        ApiKeys keys = ApiKeys.open(dir);
        assertThrows(InvalidInputException.class, () -> keys.create(" ", Role.READ));
        assertThrows(InvalidInputException.class, () -> keys.create("acme", null));
        Files.writeString(dir.resolve(ApiKeys.FILE_NAME), "something else\n");
        assertThrows(StorageException.class, () -> ApiKeys.open(dir));
    }

    @Test
    void rolesInclude() {
        assertTrue(Role.ADMIN.allows(Role.WRITE));
        assertTrue(Role.WRITE.allows(Role.READ));
        assertFalse(Role.READ.allows(Role.WRITE));
        assertEquals(Role.WRITE, Role.parse("role", "Write"));
        assertThrows(InvalidInputException.class, () -> Role.parse("role", "root"));
    }

    @Test
    void noAuthOnlyOnLoopback() {
        assertEquals("t", ServerOptions.defaults().withNoAuth("t").noAuthTenant());
        assertEquals("t", ServerOptions.defaults().withHost("localhost").withNoAuth("t").noAuthTenant());
        assertThrows(InvalidInputException.class, () -> ServerOptions.defaults().withHost("0.0.0.0").withNoAuth("t"));
        assertThrows(InvalidInputException.class, () -> ServerOptions.defaults().withHost("10.1.2.3").withNoAuth("t"));
    }
}
