package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An answer spread over sessions is not crowded out by one session's many near matches. */
class SessionSpreadTest {
    private static final Scope MAYA = Scope.user("acme", "maya");
    private static final Instant T = Instant.parse("2024-03-02T10:00:00Z");

    private final Rig rig = Rig.create(5);

    private List<String> top2(double spread) {
        var config = rig.loci().config().recall().lexicalOnly().toBuilder().fusion(RecallConfig.Fusion.SCORES)
                .sessionSpread(spread).build();
        return rig.loci().recall(MAYA, RecallQuery.of("which doctor did Maya visit for her knee").withK(2), config)
                .results().stream().map(r -> r.memory().clientId()).toList();
    }

    @Test
    void aSecondSessionsAnswerReachesTheTop() {
        rig.loci().remember(MAYA.withSession("march"), List.of(
                Message.of("Maya", "a visit to doctor Park about my knee", T).withClientId("park"),
                Message.of("Maya", "doctor Park said my knee needs rest after the visit", T.plusSeconds(60))
                        .withClientId("park-again"),
                Message.of("Maya", "the knee doctor visit was long", T.plusSeconds(120)).withClientId("park-more")));
        rig.loci().remember(MAYA.withSession("april"), List.of(
                Message.of("Maya", "a visit to a sports doctor, Osei", T.plusSeconds(86_400 * 30))
                        .withClientId("osei")));
        List<String> off = top2(0);
        assertEquals(List.of("march"), off.stream().map(this::session).distinct().toList(),
                "without the step, the first session's near matches fill the top: " + off);
        List<String> on = top2(0.6);
        assertEquals(2, on.stream().map(this::session).distinct().count(), "both sessions in the top 2: " + on);
        assertEquals(off.get(0), on.get(0), "the strongest result keeps its place");
    }

    private String session(String clientId) {
        return clientId.startsWith("park") ? "march" : "april";
    }
}
