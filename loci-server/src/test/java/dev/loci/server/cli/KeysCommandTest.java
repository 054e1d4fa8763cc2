package dev.loci.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.embedded.EmbeddedOptions;
import dev.loci.server.ApiKeys;
import dev.loci.store.lucene.LuceneMemoryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
    @TempDir
    Path dir;

    private String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new KeysCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(new StringWriter()));
        assertEquals(expectedExit, cmd.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void createListRevoke() {
        String token = run(0, "create", "--data-dir", dir.toString(), "--tenant", "acme", "--role", "read").trim();
        assertTrue(token.startsWith("loci_"), token);
        var key = ApiKeys.open(dir).authenticate(token).orElseThrow();
        assertEquals("acme", key.tenant());
        String list = run(0, "list", "--data-dir", dir.toString());
        assertTrue(list.contains(key.id()) && list.contains("acme") && list.contains("read"), list);
        assertTrue(!list.contains(token.substring(20)), "secret listed");
        run(0, "revoke", "--data-dir", dir.toString(), key.id());
        run(1, "revoke", "--data-dir", dir.toString(), key.id());
        assertTrue(ApiKeys.open(dir).authenticate(token).isEmpty());
    }

    @Test
    void aKeyCreatedFirstLeavesADirectoryTheStoreStillOpens() {
        Path fresh = dir.resolve("new-data-dir");
        run(0, "create", "--data-dir", fresh.toString(), "--tenant", "acme");
        LuceneMemoryStore.open(fresh, EmbeddedOptions.defaults().store()).close(); // threw "holds files but no FORMAT"
        assertEquals(1, ApiKeys.open(fresh).list().size());
    }
}
