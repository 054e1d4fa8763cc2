package dev.loci.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles the Java example in README.md as written and runs it against the real engine. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        var m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a java example");
        Path src = dir.resolve("src/ReadmeExample.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, m.group(1));
        Path classes = Files.createDirectories(dir.resolve("classes"));

        var compiler = ToolProvider.getSystemJavaCompiler();
        var err = new ByteArrayOutputStream();
        int rc = compiler.run(null, null, err, "--release", "21", "-cp", System.getProperty("java.class.path"),
                "-d", classes.toString(), src.toString());
        assertEquals(0, rc, "README example does not compile:\n" + err);

        var out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try (var loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("ReadmeExample").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {dir.resolve("data").toString()});
        } finally {
            System.setOut(old);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "k=1 prints one result: " + lines);
        assertTrue(lines.get(0).startsWith("We adopted a greyhound and called her Biscuit."), lines.get(0));
        assertTrue(lines.get(0).contains("bm25") || lines.get(0).contains("dense"), "signals explained: " + lines.get(0));
    }
}
