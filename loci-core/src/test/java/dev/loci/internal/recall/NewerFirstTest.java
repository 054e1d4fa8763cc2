package dev.loci.internal.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Kind;
import dev.loci.Memory;
import dev.loci.RecallConfig;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.Scope;
import dev.loci.spi.Embedding;
import dev.loci.spi.StoreHit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The newer of two statements of one speaker on the same matter comes first: hand-made candidates
 * with fixed search scores and vectors whose cosines are chosen, so each condition of the step is
 * tried on its own.
 */
class NewerFirstTest {
    private static final Scope USER = Scope.user("t", "u");
    private static final Instant OLD = Instant.parse("2023-01-10T10:00:00Z");
    private static final Instant NEW = Instant.parse("2023-09-02T10:00:00Z");
    private static final Instant ASKED = Instant.parse("2024-01-01T12:00:00Z");
    private static final RecallConfig ON = RecallConfig.builder().sameMatterCosine(0.6).build();

    /** A unit vector at the given cosine to the first axis, in the plane of the first two. */
    private static Embedding at(double cosine) {
        return Embedding.of(new float[] {(float) cosine, (float) Math.sqrt(1 - cosine * cosine), 0});
    }

    private static Memory turn(String id, String speaker, String text, Instant when) {
        return Memory.builder().id(id).scope(USER).kind(Kind.TURN).speaker(speaker).text(text).occurredAt(when)
                .recordedAt(when).build();
    }

    private static List<String> ids(List<Recalled> results) {
        return results.stream().map(r -> r.memory().id()).toList();
    }

    /** The older statement leads by search score; the newer is 0.7 close to it. */
    private static FakeStore boston(String newSpeaker, Instant newWhen, double cosine) {
        var store = new FakeStore();
        store.add(turn("old", "Carl", "I live in Boston, right by the harbor.", OLD), at(1));
        store.add(turn("other", "Dana", "Lucky you, I love Boston.", OLD.plusSeconds(60)), Embedding.of(
                new float[] {0, 0, 1}));
        store.add(turn("new", newSpeaker, "I moved to Denver over the summer.", newWhen), at(cosine));
        store.hits(List.of(new StoreHit("old", 4.0), new StoreHit("other", 3.0)),
                List.of(new StoreHit("old", 0.80), new StoreHit("other", 0.72), new StoreHit("new", 0.70)));
        return store;
    }

    private static List<Recalled> ask(FakeStore store, String question, RecallConfig config) {
        return new RecallPipeline(store, store, java.time.Clock.fixed(ASKED, java.time.ZoneOffset.UTC))
                .recall(USER, RecallQuery.of(question).withK(3).withAt(ASKED), config).results();
    }

    @Test
    void theNewerStatementRisesJustAboveTheOlderItRestates() {
        var store = boston("Carl", NEW, 0.7);
        List<Recalled> off = ask(store, "Where does Carl live?", RecallConfig.defaults());
        assertEquals(List.of("old", "other", "new"), ids(off), "without the step the older, better worded one leads");
        List<Recalled> on = ask(store, "Where does Carl live?", ON);
        assertEquals(List.of("new", "old", "other"), ids(on));
        var signal = on.get(0).signal(RecallPipeline.NEWER).orElseThrow();
        assertEquals(1, signal.rank(), "the place of the statement it passed");
        assertEquals(0.7, signal.score(), 1e-6, "the two vectors' cosine");
        assertEquals(off.get(0).score(), on.get(1).score(), 1e-12, "the older one keeps its score");
        assertTrue(on.get(0).score() - on.get(1).score() < 1e-6, "just above, not far above");
    }

    @Test
    void notWhenTheNewerDoesNotSayAnythingChanged() {
        var store = new FakeStore();
        store.add(turn("old", "Carl", "I live in Boston, right by the harbor.", OLD), at(1));
        store.add(turn("new", "Carl", "Boston harbor was lovely at sunset yesterday.", NEW), at(0.9));
        store.hits(List.of(new StoreHit("old", 4.0)), List.of(new StoreHit("old", 0.80), new StoreHit("new", 0.75)));
        assertEquals(List.of("old", "new"), ids(ask(store, "Where does Carl live?", ON)),
                "the same matter spoken of again is not an update");
    }

    @Test
    void notWhenTheTwoAreNotCloseEnough() {
        assertEquals("old", ask(boston("Carl", NEW, 0.5), "Where does Carl live?", ON).get(0).memory().id());
    }

    @Test
    void notAcrossSpeakers() {
        assertEquals("old", ask(boston("Dana", NEW, 0.9), "Where does Carl live?", ON).get(0).memory().id());
    }

    @Test
    void notWithinOneDay() {
        assertEquals("old", ask(boston("Carl", OLD.plusSeconds(600), 0.9), "Where does Carl live?", ON).get(0)
                .memory().id(), "turns minutes apart do not replace each other");
    }

    @Test
    void notForAQuestionAboutThePast() {
        var store = boston("Carl", NEW, 0.9);
        for (String past : List.of("Where did Carl live?", "Where did Carl use to live?",
                "Where was Carl living before the summer?", "When did Carl live in Boston?",
                "Where does Carl live, according to what he said last week?")) {
            assertEquals("old", ask(store, past, ON).get(0).memory().id(), past);
        }
    }

    @Test
    void ofThreeStatementsTheNewestLeads() {
        var store = new FakeStore();
        store.add(turn("a", "Eva", "I work as an accountant.", OLD), at(1));
        store.add(turn("b", "Eva", "I quit accounting and now I teach yoga.", NEW), at(0.75));
        store.add(turn("c", "Eva", "Yoga got old, I'm a florist these days.", NEW.plusSeconds(90 * 86_400L)),
                at(0.7));
        store.hits(List.of(new StoreHit("a", 5.0)),
                List.of(new StoreHit("a", 0.80), new StoreHit("b", 0.75), new StoreHit("c", 0.70)));
        assertEquals(List.of("c", "b", "a"), ids(ask(store, "What does Eva do for work?", ON)));
    }

    @Test
    void aNewerStatementNeverPassesOneItIsNotCloseTo() {
        var store = new FakeStore();
        store.add(turn("a", "Eva", "I work as an accountant.", OLD), at(1));
        store.add(turn("x", "Eva", "My cat is called Pepper.", OLD.plusSeconds(86_400L)), Embedding.of(
                new float[] {0, 0, 1}));
        store.add(turn("b", "Eva", "I quit accounting and now I teach yoga.", NEW), at(0.75));
        store.hits(List.of(new StoreHit("x", 5.0), new StoreHit("a", 4.0)),
                List.of(new StoreHit("x", 0.80), new StoreHit("a", 0.79), new StoreHit("b", 0.60)));
        assertEquals(List.of("x", "b", "a"), ids(ask(store, "What does Eva do for work?", ON)),
                "b passes a (cosine 0.75), not x (cosine 0)");
    }

    @Test
    void pastQuestions() {
        assertFalse(RecallPipeline.asksAboutPast("Where does Carl live?", ASKED));
        assertFalse(RecallPipeline.asksAboutPast("What is Carl doing today?", ASKED));
        assertTrue(RecallPipeline.asksAboutPast("Where did Carl live?", ASKED));
        assertTrue(RecallPipeline.asksAboutPast("What car was Ivan driving?", ASKED));
        assertTrue(RecallPipeline.asksAboutPast("What is Carl's previous address?", ASKED));
        assertTrue(RecallPipeline.asksAboutPast("When is Jill's wedding?", ASKED), "a when question asks for a moment");
        assertTrue(RecallPipeline.asksAboutPast("What is Carl up to last week?", ASKED), "a period before today");
        assertTrue(RecallPipeline.asksAboutPast("What is on Carl's mind in May 2023?", ASKED));
    }
}
