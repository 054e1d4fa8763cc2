package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Reads the real LoCoMo file where it lies beside the repository ({@code ../shared}, seen from
 * this module's directory as {@code ../../shared}); skipped where it is absent. Reading only: the
 * full benchmark on it is too slow for a unit test.
 */
class LocomoRealFileTest {
    private static final Path LOCOMO = Path.of("../../shared/data/locomo/locomo10.json");

    @Test
    void readsTheReleasedFileWithItsKnownRepairs() {
        Assumptions.assumeTrue(Files.isRegularFile(LOCOMO),
                "LoCoMo file not found at " + LOCOMO.toAbsolutePath().normalize() + "; skipping");
        var repairs = new LocomoDataset.Repairs();
        List<LocomoDataset.Conversation> conversations = LocomoDataset.read(LOCOMO, repairs);
        List<LocomoDataset.Question> questions = conversations.stream().flatMap(c -> c.questions().stream()).toList();
        long categoriesOneToFour = questions.stream().filter(q -> q.category() <= 4).count();
        long scorable = questions.stream().filter(q -> q.category() <= 4 && !q.evidence().isEmpty()).count();
        System.out.println("LoCoMo " + LOCOMO + ": " + conversations.size() + " conversations, "
                + questions.size() + " questions, " + categoriesOneToFour + " in categories 1-4 (" + scorable
                + " with evidence), repairs " + repairs.asMap());

        assertEquals(10, conversations.size());
        assertEquals(1986, questions.size());
        assertEquals(1540, categoriesOneToFour);
        assertEquals(1536, scorable, "the questions the reference scorer evaluates");
        assertEquals(Map.of("evidence_ids_repaired", 2L, "evidence_strings_split", 4L,
                "evidence_ids_dropped", 3L, "evidence_duplicates_removed", 1L), repairs.asMap(),
                "as an independent count over the file gives");
    }
}
