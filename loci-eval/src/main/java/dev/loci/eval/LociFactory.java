package dev.loci.eval;

import dev.loci.engine.LociEngine;
import dev.loci.Loci;
import java.nio.file.Path;

/** Opens the engine under test on a fresh data directory. The harness closes what it opens. */
@FunctionalInterface
public interface LociFactory {
    LociEngine open(Path dataDir);
}
