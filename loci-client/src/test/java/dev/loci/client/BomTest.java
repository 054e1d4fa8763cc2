package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * loci-bom names every module of the build (a new module must not be forgotten there) at the build's version;
 * the examples under examples/ are built and tested but not published, so they are not in it.
 */
class BomTest {
    @Test
    void bomListsEveryModuleAtTheParentVersion() throws IOException {
        String root = Files.readString(Path.of("..", "pom.xml"));
        String bom = Files.readString(Path.of("..", "loci-bom", "pom.xml"));
        Set<String> modules = all(Pattern.compile("<module>([^<]+)</module>"), root);
        modules.remove("loci-bom");
        modules.removeIf(m -> m.startsWith("examples/")); // examples are built and tested, not published
        String managed = bom.substring(bom.indexOf("<dependencyManagement>"));
        assertEquals(modules, all(Pattern.compile("<artifactId>([^<]+)</artifactId>"), managed));
        assertEquals(first(Pattern.compile("<artifactId>loci-parent</artifactId>\\s*<version>([^<]+)</version>"), root),
                first(Pattern.compile("<artifactId>loci-bom</artifactId>\\s*<version>([^<]+)</version>"), bom));
    }

    private static Set<String> all(Pattern p, String s) {
        Set<String> out = new TreeSet<>();
        p.matcher(s).results().forEach(r -> out.add(r.group(1)));
        return out;
    }

    private static String first(Pattern p, String s) {
        return p.matcher(s).results().findFirst().orElseThrow().group(1);
    }
}
