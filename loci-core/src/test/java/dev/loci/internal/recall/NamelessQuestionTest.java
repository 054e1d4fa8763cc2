package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.Scope;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoreHit;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The question's vector leaves out the names of the speakers it names; the speaker step weighs whose turn it is. */
class NamelessQuestionTest {
    private static final Scope USER = Scope.user("t", "u");
    private static final Instant T = Instant.parse("2024-05-10T10:00:00Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "What did Caroline research?|Caroline|What did they research?",
        "What is Caroline's identity?|Caroline|What is their identity?",
        "What is Caroline’s identity?|Caroline|What is their identity?",
        "Did Anna Lee and Ben meet?|Anna Lee|Did they and Ben meet?",
        "What did Benjamin cook?|Ben|What did Benjamin cook?",
        "what did ben cook?|Ben|what did ben cook?",
        "Who is Zoë?|ZOË|Who is they?",
    })
    void aNameWrittenWithACapitalBecomesThey(String question, String name, String expected) {
        assertEquals(expected, RecallPipeline.withoutName(question, name));
    }

    @Test
    void theVectorSearchedIsHalfwayBetweenTheQuestionAsAskedAndWithoutNames() {
        Embedding v = RecallPipeline.halfway(Embedding.of(new float[] {1, 0}), Embedding.of(new float[] {0, 1}));
        assertEquals(1, v.dot(v), 1e-6);
        assertEquals(Math.sqrt(0.5), v.get(0), 1e-6);
        assertEquals(v.get(0), v.get(1), 1e-6);
    }

    private static Memory turn(String id, String speaker, String role, int i) {
        return Memory.builder().id(id).scope(USER.withSession("s1")).kind(Kind.TURN).speaker(speaker).role(role)
                .text("turn " + id).occurredAt(T.plusSeconds(i)).recordedAt(T).build();
    }

    private static FakeStore store() {
        var store = new FakeStore();
        store.add(turn("c1", "Caroline", null, 0), Embedding.of(new float[] {1, 0, 0}));
        store.add(turn("m1", "Mel", null, 1), Embedding.of(new float[] {1, 0, 0}));
        store.add(turn("u1", "user", "user", 2), Embedding.of(new float[] {1, 0, 0}));
        store.hits(List.of(new StoreHit("m1", 3.0), new StoreHit("c1", 2.0), new StoreHit("u1", 1.0)),
                List.of(new StoreHit("c1", 0.9)));
        return store;
    }

    private static List<String> embedded(String question, boolean nameless, int lexicalTopN) {
        var store = store();
        var config = RecallConfig.builder().lexicalTopN(lexicalTopN).namelessDense(nameless).build();
        new RecallPipeline(store, store, Clock.fixed(T.plusSeconds(86_400), ZoneOffset.UTC))
                .recall(USER, RecallQuery.of(question), config);
        return store.questions;
    }

    @Test
    void theQuestionIsEmbeddedAsAskedAndWithoutTheSpeakersItNames() {
        String asked = "What did Caroline tell Dana about Caroline's research?";
        assertEquals(List.of(asked, "What did they tell Dana about their research?"), embedded(asked, true, 100));
        assertEquals(List.of(asked, "What did they tell Dana about their research?"), embedded(asked, true, 0),
                "with BM25 off, its strongest matches still say who the speakers are");
        assertEquals(List.of("What did Dana say?"), embedded("What did Dana say?", true, 100),
                "no speaker named: embedded once, as asked");
        assertEquals(List.of("What did Caroline tell Dana about Caroline's research?"),
                embedded("What did Caroline tell Dana about Caroline's research?", false, 100), "off: as asked");
    }

    @Test
    void aSpeakerNamedAfterItsRoleKeepsTheWord() {
        assertEquals(List.of("What did Mel tell the User about the interface?",
                "What did they tell the User about the interface?"),
                embedded("What did Mel tell the User about the interface?", true, 100));
    }
}
