package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.server.ApiKeys;
import dev.loci.server.LociServer;
import dev.loci.server.Role;
import dev.loci.server.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles the Java example in docs/CLIENT.md as written and runs it against a real server. */
class ClientExampleTest {
    @TempDir
    Path dir;

    @Test
    void docsExampleCompilesAndRuns() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "CLIENT.md"));
        var m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "docs/CLIENT.md has a java example");
        Path src = dir.resolve("src/ClientExample.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, m.group(1));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        var err = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, err, "--release", "21", "-cp",
                System.getProperty("java.class.path"), "-d", classes.toString(), src.toString());
        assertEquals(0, rc, "docs/CLIENT.md example does not compile:\n" + err);

        ApiKeys keys = ApiKeys.open(dir);
        var out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try (LociServer server = LociServer.start(EmbeddedBehaviourTest.fakeEngine(),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
             var loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("ClientExample").getMethod("main", String[].class).invoke(null, (Object) new String[] {
                    "http://127.0.0.1:" + server.port(), keys.create("acme", Role.WRITE).token()});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("We adopted a greyhound and called her Biscuit.  score="), printed);
        assertTrue(printed.contains("Biscuit"), printed);
    }
}
