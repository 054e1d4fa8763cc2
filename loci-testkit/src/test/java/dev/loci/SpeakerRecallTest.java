package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.internal.recall.RecallPipeline;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A question that names a speaker prefers that speaker's turns, a little. */
class SpeakerRecallTest {
    private static final Scope PAIR = Scope.user("acme", "pair");
    private static final Instant T = Instant.parse("2024-03-02T10:00:00Z");

    private final Rig rig = Rig.create(3);

    private List<Recalled> ask(String question, double speakerWeight) {
        // score fusion (the default; the rig's engine is set to rank fusion): a raise is a share of a score
        // that keeps its margin, where under rank fusion neighbouring places differ by under 2 %
        var config = rig.loci().config().recall().lexicalOnly().toBuilder().fusion(RecallConfig.Fusion.SCORES)
                .speakerWeight(speakerWeight).build();
        return rig.loci().recall(PAIR, RecallQuery.of(question).withK(2), config).results();
    }

    /** The share of its score before the speaker step by which that step raised a result. */
    private static double raisedBy(Recalled r) {
        double raise = r.signal(RecallPipeline.SPEAKER).orElseThrow().contribution();
        return raise / (r.score() - raise);
    }

    @Test
    void theNamedSpeakersTurnRisesAboveAnEqualMatchBySomeoneElse() {
        rig.loci().remember(PAIR, List.of(
                Message.of("Ana", "I painted the fence green", T).withClientId("ana"),
                Message.of("Ben", "I painted the fence blue", T.plusSeconds(60)).withClientId("ben")));
        // the speaker's name is also in each turn's BM25 keys, so "Ben" matches his turn a little already;
        // the step adds a share of the score on top of that, and says so
        List<Recalled> on = ask("What colour did Ben paint the fence?", 0.2);
        assertEquals("ben", on.get(0).memory().clientId());
        assertTrue(on.get(0).signal(RecallPipeline.SPEAKER).isPresent());
        assertTrue(on.get(1).signal(RecallPipeline.SPEAKER).isEmpty(), "Ana is not named");
        assertEquals(0.2, raisedBy(on.get(0)), 1e-9, "a name raises by the whole weight");
        assertTrue(ask("What colour did Ben paint the fence?", 0).stream()
                .allMatch(r -> r.signal(RecallPipeline.SPEAKER).isEmpty()), "off at 0");
    }

    @Test
    void aQuestionInTheFirstPersonNamesTheUsersOwnTurns() {
        rig.loci().remember(PAIR, List.of(
                new Message("assistant", null, "the fence by the road is blue", T, "assistant", java.util.Map.of()),
                new Message("user", null, "the fence by the garden is green", T.plusSeconds(60), "user",
                        java.util.Map.of())));
        // both turns match "fence" once, the assistant's first in the store; "my" makes it the user's question
        List<Recalled> mine = ask("What colour is my fence?", 0.2);
        assertEquals("user", mine.get(0).memory().clientId());
        assertTrue(mine.get(0).signal(RecallPipeline.SPEAKER).isPresent());
        assertTrue(mine.get(1).signal(RecallPipeline.SPEAKER).isEmpty(), "the assistant's turn is not the asker's");
        assertEquals(0.1, raisedBy(mine.get(0)), 1e-9, "a person (my, you) raises by half the weight");
        assertTrue(ask("What colour is the fence?", 0.2).stream()
                .allMatch(r -> r.signal(RecallPipeline.SPEAKER).isEmpty()), "a question not in the first person names nobody");
        // asked what the agent said, the question names the agent's turns instead
        List<Recalled> yours = ask("Which fence did you say is blue, by my garden?", 0.2);
        assertEquals("assistant", yours.get(0).memory().clientId());
        assertTrue(yours.get(0).signal(RecallPipeline.SPEAKER).isPresent());
    }

    @Test
    void aNameDoesNotCarryATurnThatIsNotAboutTheQuestion() {
        rig.loci().remember(PAIR, List.of(
                Message.of("Ben", "Ok, see you", T).withClientId("ok"),
                Message.of("Ana", "Ben painted the fence blue last spring, it took him all weekend", T.plusSeconds(60))
                        .withClientId("answer")));
        assertEquals("answer", ask("What colour did Ben paint the fence?", 0.2).get(0).memory().clientId(),
                "a raise is a share of the turn's own relevance, so a name-only turn stays below");
    }
}
