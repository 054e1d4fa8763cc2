package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LocomoDatasetTest {
    static final Path FIXTURE = Path.of("src/test/resources/locomo-fixture.json");
    /** The real file, read by path where it exists (it is never copied into the repository). */
    static final Path REAL = Path.of("../../shared/data/locomo/locomo10.json");

    @Test
    void readsSessionsInOrderWithTheirDatesSpeakersAndCaptions() {
        var conversations = LocomoDataset.read(FIXTURE, new LocomoDataset.Repairs());
        assertEquals(2, conversations.size());
        var a = conversations.get(0);
        assertEquals("conv-a", a.sampleId());
        assertEquals(List.of(1, 2), a.sessions().stream().map(LocomoDataset.Session::number).toList());
        assertEquals(Instant.parse("2023-03-01T10:00:00Z"), a.sessions().get(0).date());
        assertEquals(Instant.parse("2023-03-20T16:30:00Z"), a.sessions().get(1).date());
        var image = a.sessions().get(0).turns().get(3);
        assertEquals("D1:4", image.diaId());
        assertEquals("Omar", image.speaker());
        assertEquals("a red kayak on a trailer", image.caption());
        assertNull(a.sessions().get(0).turns().get(0).caption());
        assertEquals(7, a.turnCount());
    }

    @Test
    void repairsSplitsDropsAndDeduplicatesEvidenceAndCountsEachRepair() {
        var repairs = new LocomoDataset.Repairs();
        var questions = LocomoDataset.read(FIXTURE, repairs).get(0).questions();
        assertEquals(List.of("D1:1"), questions.get(0).evidence());
        assertEquals(List.of("D1:4", "D2:1"), questions.get(1).evidence(), "'D1:4; D2:1' is two ids");
        assertEquals(List.of("D2:3"), questions.get(2).evidence(), "'D:2:3' loses its stray colon");
        assertEquals(List.of("D2:2"), questions.get(3).evidence(), "'D2:02' loses its leading zero");
        assertEquals(List.of(), questions.get(4).evidence(), "'D9:9' names no turn of the conversation");
        assertEquals(List.of("D1:3"), questions.get(6).evidence(), "a repeated id counts once");
        assertEquals(Map.of("evidence_ids_repaired", 2L, "evidence_strings_split", 1L, "evidence_ids_dropped", 1L,
                "evidence_duplicates_removed", 1L), repairs.asMap());
    }

    @Test
    void malformedJsonNamesTheFileAndPosition() {
        var e = assertThrows(EvalDataException.class,
                () -> LocomoDataset.read(Path.of("src/test/resources/malformed.json"), new LocomoDataset.Repairs()));
        assertTrue(e.getMessage().startsWith("src/test/resources/malformed.json: line "), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void aMissingFieldNamesItsJsonPath() {
        var e = assertThrows(EvalDataException.class,
                () -> LocomoDataset.read(Path.of("src/test/resources/missing-question.json"), new LocomoDataset.Repairs()));
        assertEquals("src/test/resources/missing-question.json: [0].qa[0].question: is missing or not a string",
                e.getMessage());
    }

    @Test
    void theRealFileHasTheDocumentedCounts() {
        Assumptions.assumeTrue(Files.exists(REAL), "LoCoMo not found at " + REAL.toAbsolutePath() + "; skipping");
        var repairs = new LocomoDataset.Repairs();
        var conversations = LocomoDataset.read(REAL, repairs);
        assertEquals(10, conversations.size());
        var questions = conversations.stream().flatMap(c -> c.questions().stream()).toList();
        assertEquals(1986, questions.size());
        assertEquals(1540, questions.stream().filter(q -> q.category() >= 1 && q.category() <= 4).count());
        assertEquals(1536, questions.stream().filter(q -> q.category() <= 4 && !q.evidence().isEmpty()).count(),
                "the questions scored by default");
        assertEquals(5882, conversations.stream().mapToInt(LocomoDataset.Conversation::turnCount).sum());
        assertEquals(Map.of("evidence_ids_repaired", 2L, "evidence_strings_split", 4L, "evidence_ids_dropped", 3L,
                "evidence_duplicates_removed", 1L), repairs.asMap());
        assertEquals(4, questions.stream().filter(q -> q.category() <= 4 && q.evidence().isEmpty()).count(),
                "questions of categories 1-4 left without evidence");
    }
}
