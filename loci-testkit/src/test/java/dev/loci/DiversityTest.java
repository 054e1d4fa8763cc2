package dev.loci;

import dev.loci.engine.LociEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Maximal marginal relevance keeps near-copies from filling the top. */
class DiversityTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");

    private final Rig rig = Rig.create(5);

    private List<String> top2(double diversity) {
        var config = rig.loci().config().recall().lexicalOnly().withDiversity(diversity);
        return rig.loci().recall(MAYA, RecallQuery.of("greyhound walk park").withK(2), config).results().stream()
                .map(r -> r.memory().clientId()).toList();
    }

    @Test
    void nearCopiesGiveWayToADifferentMatch() {
        rig.loci().remember(MAYA, List.of(
                Message.of("Maya", "We walk the greyhound in the park every morning", T).withClientId("a"),
                Message.of("Maya", "We walk the greyhound in the park every single morning", T.plusSeconds(1))
                        .withClientId("b"),
                Message.of("Maya", "The greyhound sleeps after her walk", T.plusSeconds(2)).withClientId("c")));
        assertEquals(List.of("a", "b"), List.copyOf(top2(0).stream().sorted().toList()),
                "by relevance alone the two near-copies take both places");
        List<String> diverse = top2(0.5);
        assertEquals(2, diverse.size());
        assertEquals("c", diverse.get(1), "with diversity the second place goes to the different turn");
    }

    @Test
    void offByDefault() {
        assertEquals(0.0, LociConfig.defaults().recall().diversity());
    }
}
