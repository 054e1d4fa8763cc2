package dev.loci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.engine.LociEngine;
import dev.loci.testkit.ForwardingStore;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Loci#users}: counts by kind, last activity as reads see it, paging, bad arguments, a store that cannot list. */
class UsersTest {
    private final Rig rig = Rig.create(1);
    private final Loci loci = rig.loci();

    @Test
    void eachUserWithCountAndNewestVisibleMomentPageByPage() {
        var t = Rig.T0.minus(Duration.ofDays(2));
        loci.remember(Scope.user("acme", "maya"), List.of(Message.of("Maya", "I keep bees", t),
                Message.of("Maya", "The bees made honey", t.plusSeconds(60))));
        loci.remember(Scope.user("acme", "ben"), List.of(Message.of("Ben", "I row on Sundays", t.plusSeconds(30))));
        loci.remember(Scope.user("acme", "cy"), List.of(Message.of("Cy", "Back soon", t.plusSeconds(90))
                .withExpiresAt(Rig.T0.plus(Duration.ofHours(1)))));
        loci.remember(Scope.user("other", "dee"), List.of(Message.of("Dee", "Hello", t)));

        UserPage first = loci.users("acme", null, 2);
        assertEquals(List.of(new UserSummary("ben", Map.of(Kind.TURN, 1L), t.plusSeconds(30)),
                new UserSummary("cy", Map.of(Kind.TURN, 1L), t.plusSeconds(90))),
                first.users());
        assertEquals("cy", first.nextCursor());
        UserPage second = loci.users("acme", first.nextCursor(), 2);
        assertEquals(List.of(new UserSummary("maya", Map.of(Kind.TURN, 2L), t.plusSeconds(60))), second.users());
        assertNull(second.nextCursor(), "the last page");

        rig.clock().advance(Duration.ofHours(2)); // cy's only memory expires: hidden from reads, not yet swept
        UserSummary cy = loci.users("acme", "ben", 1).users().get(0);
        assertEquals("cy", cy.userId());
        assertNull(cy.lastActivity(), "nothing of cy's is visible any more");
        loci.evictExpired();
        assertEquals(List.of("ben", "maya"), loci.users("acme", null, 10).users().stream().map(UserSummary::userId)
                .toList(), "swept: gone");
        assertEquals(List.of(), loci.users("nobody", null, 10).users());
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("limit", assertThrows(InvalidInputException.class, () -> loci.users("acme", null, 0)).field());
        assertEquals("limit", assertThrows(InvalidInputException.class,
                () -> loci.users("acme", null, UserPage.MAX_LIMIT + 1)).field());
        assertTrue(assertThrows(InvalidInputException.class, () -> loci.users(null, null, 10)).field()
                .contains("tenant"));
    }

    @Test
    void aStoreWithoutTheCapabilitySaysSo() {
        var store = new ForwardingStore(new InMemoryStore()) {
        };
        try (var engine = LociEngine.builder().embedder(new HashingEmbedder()).store(store).build()) {
            var e = assertThrows(LociException.class, () -> engine.users("acme", null, 10));
            assertTrue(e.getMessage().contains("cannot list users"), e.getMessage());
        }
    }
}
