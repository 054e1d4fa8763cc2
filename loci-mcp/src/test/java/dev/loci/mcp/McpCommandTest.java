package dev.loci.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code mcp} command's options and failures, before it serves anything. */
class McpCommandTest {
    @TempDir
    Path dir;

    @Test
    void aBadTenantIsAOneLineErrorNamingTheOption() {
        var err = new StringWriter();
        var out = new StringWriter();
        var cli = new CommandLine(new McpCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(out));
        var stderr = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cli.execute("--data-dir", dir.toString(), "--tenant", " ", "--user", "maya");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(2, code);
        String message = captured.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("loci mcp: --tenant: must not be blank"), message);
        assertEquals("", out.toString(), "nothing on stdout");
    }

    @Test
    void tenantIsRequiredAndHelpNamesTheOptions() {
        var err = new StringWriter();
        var out = new StringWriter();
        var cli = new CommandLine(new McpCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(out));
        assertEquals(2, cli.execute("--data-dir", dir.toString()));
        assertTrue(err.toString().contains("--tenant"), err.toString());
        assertEquals(0, cli.execute("--help"));
        assertTrue(out.toString().contains("--data-dir") && out.toString().contains("--user"), out.toString());
    }
}
