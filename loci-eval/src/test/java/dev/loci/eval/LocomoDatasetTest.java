package dev.loci.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocomoDatasetTest {
    private static final Path MINI = Fixtures.path("locomo-mini.json");
    private static final Set<String> IDS = Set.of("D1:1", "D1:2", "D2:1", "D8:6", "D9:17", "D11:26", "D30:5");

    private final LocomoDataset.Repairs repairs = new LocomoDataset.Repairs();
    private final List<LocomoDataset.Conversation> conversations = LocomoDataset.read(MINI, repairs);

    private static List<String> evidence(LocomoDataset.Repairs counted, String... raw) {
        JsonNode node = Json.MAPPER.valueToTree(List.of(raw));
        return LocomoDataset.evidence(node, IDS, counted);
    }

    private static Map<String, Long> counts(long repaired, long split, long dropped, long duplicates) {
        return Map.of("evidence_ids_repaired", repaired, "evidence_strings_split", split,
                "evidence_ids_dropped", dropped, "evidence_duplicates_removed", duplicates);
    }

    private LocomoDataset.Conversation conversation(String sampleId) {
        return conversations.stream().filter(c -> c.sampleId().equals(sampleId)).findFirst().orElseThrow();
    }

    @Test
    void readsEveryConversationWithItsQuestions() {
        assertEquals(List.of("conv-a", "conv-b"), conversations.stream().map(LocomoDataset.Conversation::sampleId).toList());
        assertEquals(8, conversation("conv-a").questions().size());
        assertEquals(5, conversation("conv-b").questions().size());
        assertEquals(9, conversation("conv-a").turnCount());
        assertEquals(List.of(3, 1, 2, 4, 4, 1, 2, 5),
                conversation("conv-a").questions().stream().map(LocomoDataset.Question::category).toList());
    }

    @Test
    void sessionsAreInNumericOrderNotFileOrder() {
        var a = conversation("conv-a");
        assertEquals(List.of(1, 2, 10), a.sessions().stream().map(LocomoDataset.Session::number).toList());
        assertEquals(List.of("D1:1", "D1:2", "D1:3", "D2:1", "D2:2", "D2:3", "D10:1", "D10:2", "D10:3"),
                List.copyOf(a.diaIds()));
    }

    @Test
    void sessionDatesAreReadAsUtc() {
        var a = conversation("conv-a");
        assertEquals(Instant.parse("2023-03-03T10:00:00Z"), a.sessions().get(0).date());
        assertEquals(Instant.parse("2023-03-12T16:30:00Z"), a.sessions().get(1).date());
        assertEquals(Instant.parse("2023-04-02T09:15:00Z"), a.sessions().get(2).date());
        assertEquals(Instant.parse("2023-05-08T13:56:00Z"), LocomoDataset.date("1:56 PM on 8 May, 2023", MINI, "x"));
    }

    @Test
    void turnsKeepSpeakerTextAndImageCaption() {
        var turns = conversation("conv-a").sessions().get(0).turns();
        assertEquals(new LocomoDataset.Turn("D1:3", "Ada", "Mostly, although the dog hides under the bed.",
                "a photo of a small grey kitten on a sofa"), turns.get(2));
        assertNull(turns.get(0).caption());
    }

    @Test
    void evidenceIsRepairedFilteredAndDeduplicated() {
        assertEquals(List.of(
                        List.of("D2:3"),
                        List.of("D1:1", "D10:1"),
                        List.of("D1:3"),
                        List.of("D10:3"),
                        List.of("D1:1"),
                        List.of("D2:1"),
                        List.of(),
                        List.of("D1:2")),
                conversation("conv-a").questions().stream().map(LocomoDataset.Question::evidence).toList());
        assertEquals(List.of(List.of("D2:3"), List.of("D1:3"), List.of("D1:1", "D2:1"), List.of("D2:2"), List.of()),
                conversation("conv-b").questions().stream().map(LocomoDataset.Question::evidence).toList());
    }

    @Test
    void everyRepairOfTheFixtureIsCounted() {
        assertEquals(counts(4, 1, 3, 1), repairs.asMap(),
                "repaired: D:1:3, D10:03, D1:01, D:2:02; split: 'D1:1; D10:1'; "
                        + "dropped: D2:9, D4:2, 'see above'; duplicate: D1:01 after D1:1");
    }

    @Test
    void aStringWithSeveralIdsIsSplit() {
        var fresh = new LocomoDataset.Repairs();
        assertEquals(List.of("D8:6", "D9:17"), evidence(fresh, "D8:6; D9:17"));
        assertEquals(counts(0, 1, 0, 0), fresh.asMap());
    }

    @ParameterizedTest
    @CsvSource({"D:11:26, D11:26", "D30:05, D30:5", "D:30:005, D30:5"})
    void aMalformedIdIsRepaired(String raw, String repaired) {
        var fresh = new LocomoDataset.Repairs();
        assertEquals(List.of(repaired), evidence(fresh, raw));
        assertEquals(counts(1, 0, 0, 0), fresh.asMap());
    }

    @Test
    void idsNotInTheConversationAndStringsWithoutIdsAreDropped() {
        var fresh = new LocomoDataset.Repairs();
        assertEquals(List.of("D1:1"),
                evidence(fresh, "D99:1", "D1:1", "no id"));
        assertEquals(counts(0, 0, 2, 0), fresh.asMap());
    }

    @Test
    void duplicatesAreRemovedKeepingFirstOccurrenceOrder() {
        var fresh = new LocomoDataset.Repairs();
        assertEquals(List.of("D2:1", "D1:1"),
                evidence(fresh, "D2:1", "D1:1", "D2:1"));
        assertEquals(counts(0, 0, 0, 1), fresh.asMap());
    }

    @Test
    void missingOrNonListEvidenceIsEmpty() {
        var fresh = new LocomoDataset.Repairs();
        assertEquals(List.of(), LocomoDataset.evidence(null, IDS, fresh));
        assertEquals(List.of(), LocomoDataset.evidence(Json.MAPPER.valueToTree("D1:1"), IDS, fresh));
        assertEquals(counts(0, 0, 0, 0), fresh.asMap());
    }
}
