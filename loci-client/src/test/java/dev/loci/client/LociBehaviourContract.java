package dev.loci.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.InvalidInputException;
import dev.loci.Kind;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryFilter;
import dev.loci.MemoryPage;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.RecallResult;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.UserSummary;
import dev.loci.UserPage;
import dev.loci.TimeRange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a caller of {@link Loci} observes, written once and run against the embedded engine and
 * through {@link LociClient} to a real server over the same kind of engine: the same bodies, the
 * same expected values. A subclass supplies the instance; each test works in a user of its own.
 */
abstract class LociBehaviourContract {
    static final Instant T0 = Instant.parse("2024-03-02T18:10:00Z");

    /** The instance under test, in tenant {@code acme}; shared by the tests of one class. */
    protected abstract Loci loci();

    final Scope maya = Scope.user("acme", "maya-" + UUID.randomUUID()).withSession("s1");

    static List<Message> conversation() {
        return List.of(
                new Message("user", "Maya", "We adopted a greyhound and called her Biscuit.", T0, "m1",
                        Map.of("topic", "pets")),
                new Message("assistant", "Bot", "Biscuit is a lovely name for a greyhound.", T0.plusSeconds(60), "m2",
                        Map.of("topic", "pets")),
                new Message("user", "Maya", "I moved to Denver last spring for a new job.", T0.plusSeconds(120), "m3",
                        Map.of("topic", "life")));
    }

    @Test
    void rememberRecallGetCountAndHistory() {
        RememberResult r = loci().remember(maya, conversation());
        assertEquals(3, r.added());
        assertEquals(0, r.skipped());
        assertEquals(3, r.ids().size());

        RecallResult found = loci().recall(maya, RecallQuery.of("adopted greyhound Biscuit").withK(3)
                .withKinds(Set.of(Kind.TURN)));
        assertEquals(3, found.results().size());
        assertTrue(found.results().stream().anyMatch(x -> x.memory().id().equals(r.ids().get(0))), found.toString());
        assertFalse(found.results().get(0).signals().isEmpty());
        assertTrue(found.results().get(0).score() >= found.results().get(2).score());

        Memory first = loci().get(maya, r.ids().get(0)).orElseThrow();
        assertEquals("We adopted a greyhound and called her Biscuit.", first.text());
        assertEquals(maya, first.scope());
        assertEquals(Kind.TURN, first.kind());
        assertEquals(T0, first.occurredAt());
        assertEquals("m1", first.clientId());
        assertEquals("Maya", first.speaker());
        assertEquals(Map.of("topic", "pets"), first.metadata());

        assertEquals(3, loci().count(maya, MemoryFilter.all().withKinds(Set.of(Kind.TURN))));
        assertEquals(1, loci().count(maya, MemoryFilter.all().withKinds(Set.of(Kind.TURN))
                .withTimeRange(new TimeRange(T0.plusSeconds(100), null))));
        assertEquals(List.of(first.id()), loci().history(maya, first.id()).stream().map(Memory::id).toList());
        RecallResult onlyLife = loci().recall(maya, RecallQuery.of("Denver job").withMetadata(Map.of("topic", "life")));
        assertEquals(List.of(r.ids().get(2)), onlyLife.results().stream().map(x -> x.memory().id())
                .filter(r.ids()::contains).toList());
    }

    @Test
    void rememberIsIdempotentByClientId() {
        RememberResult once = loci().remember(maya, conversation());
        RememberResult twice = loci().remember(maya, conversation());
        assertEquals(0, twice.added());
        assertEquals(3, twice.skipped());
        assertEquals(once.ids(), twice.ids());
        assertEquals(3, loci().count(maya, MemoryFilter.all().withKinds(Set.of(Kind.TURN))));
    }

    @Test
    void updateMakesAVersionAndHistoryKeepsBoth() {
        String id = loci().remember(maya, conversation()).ids().get(2);
        Memory updated = loci().update(maya, id, "I moved to Boulder last spring for a new job.").orElseThrow();
        assertEquals(2, updated.version());
        assertEquals("I moved to Boulder last spring for a new job.", updated.text());
        List<Memory> versions = loci().history(maya, updated.id());
        assertEquals(2, versions.size());
        assertEquals("I moved to Denver last spring for a new job.", versions.get(0).text());
        assertTrue(versions.get(0).validTo() != null, "the replaced version carries its end");
        assertEquals(updated.id(), versions.get(1).id());
    }

    @Test
    void contextFitsTheBudget() {
        loci().remember(maya, conversation());
        ContextBlock block = loci().context(maya, "what is the dog called", 200);
        assertTrue(block.tokens() <= 200, block.toString());
        assertEquals(200, block.budget());
        assertTrue(block.text().contains("Biscuit"), block.text());
        assertFalse(block.items().isEmpty());
        ContextBlock filtered = loci().context(maya, RecallQuery.of("where does Maya live")
                .withMetadata(Map.of("topic", "life")), 200);
        assertTrue(filtered.text().contains("Denver"), filtered.text());
    }

    @Test
    void forgetByIdByFilterAndPurge() {
        List<String> ids = loci().remember(maya, conversation()).ids();
        assertTrue(loci().forget(maya, ids.get(0)));
        assertTrue(loci().get(maya, ids.get(0)).isEmpty());
        assertFalse(loci().forget(maya, ids.get(0)), "already gone");

        ForgetResult life = loci().forget(maya, MemoryFilter.all().withKinds(Set.of(Kind.TURN))
                .withMetadata(Map.of("topic", "life")));
        assertEquals(1, life.deleted());
        assertTrue(loci().get(maya, ids.get(2)).isEmpty());

        ForgetResult purged = loci().purge(maya);
        assertTrue(purged.deleted() >= 1, purged.toString());
        assertEquals(0, loci().count(maya, MemoryFilter.all()));
        assertEquals(ForgetResult.NONE, loci().forget(maya, MemoryFilter.all()), "nothing left to forget");
    }

    @Test
    void aFlushClosesTheOpenConversationsOfItsScopeOnly() {
        Scope other = Scope.user(maya.tenant(), maya.userId()).withSession("s2");
        for (int i = 0; i < 2; i++) { // a message per call: the conversations stay open
            loci().remember(maya, List.of(conversation().get(i)));
            loci().remember(other, List.of(conversation().get(i)));
        }
        var episodes = MemoryFilter.all().withKinds(Set.of(Kind.EPISODE));
        assertEquals(0, loci().count(maya, episodes));

        assertTrue(loci().awaitConsolidation(maya, java.time.Duration.ofSeconds(30)));
        assertEquals(1, loci().count(maya, episodes), "the flushed conversation's turns form an episode");
        assertEquals(0, loci().count(other, episodes), "the user's other session is still open");
        assertTrue(loci().awaitConsolidation(java.time.Duration.ofSeconds(30)));
        assertEquals(1, loci().count(other, episodes), "a flush of the whole tenant closes it");

        var bad = assertThrows(InvalidInputException.class,
                () -> loci().awaitConsolidation(maya, java.time.Duration.ofSeconds(-1)));
        assertEquals("timeout", bad.field());
    }

    @Test
    void pinAndUnpin() {
        String id = loci().remember(maya, conversation()).ids().get(0);
        assertTrue(loci().pin(maya, id, true).orElseThrow().lifecycle().pinned());
        assertTrue(loci().get(maya, id).orElseThrow().lifecycle().pinned());
        assertFalse(loci().pin(maya, id, false).orElseThrow().lifecycle().pinned());
    }

    @Test
    void listPagesNewestFirstFromTheCursor() throws InterruptedException {
        List<String> ids = loci().remember(maya, conversation()).ids();
        MemoryPage first = loci().list(maya, ListQuery.of().withLimit(2));
        assertEquals(List.of(ids.get(2), ids.get(1)), first.memories().stream().map(Memory::id).toList());
        assertEquals(loci().get(maya, ids.get(2)).orElseThrow().text(), first.memories().get(0).text());
        assertTrue(first.hasMore());
        MemoryPage second = loci().list(maya, ListQuery.of().withLimit(2).after(first));
        assertEquals(List.of(ids.get(0)), second.memories().stream().map(Memory::id).toList());
        assertEquals(null, second.nextCursor());
        assertEquals(List.of(ids.get(1), ids.get(0)), loci().list(maya, ListQuery.of()
                .withMetadata(Map.of("topic", "pets")).withKinds(Set.of(Kind.TURN))
                .withTimeRange(new TimeRange(T0, T0.plusSeconds(120)))).memories().stream().map(Memory::id).toList());
        assertEquals(List.of(), loci().list(Scope.user("acme", "tom-" + UUID.randomUUID()), ListQuery.of())
                .memories());

        Thread.sleep(5);
        Instant before = Instant.now();
        Thread.sleep(5);
        loci().update(maya, ids.get(2), "I moved to Boulder last spring.");
        assertEquals("I moved to Boulder last spring.", loci().list(maya, ListQuery.of().withLimit(1)).memories()
                .get(0).text());
        assertEquals("I moved to Denver last spring for a new job.", loci().list(maya, ListQuery.of().withLimit(1)
                .withAsOf(before)).memories().get(0).text());
        assertEquals("cursor", assertThrows(InvalidInputException.class,
                () -> loci().list(maya, ListQuery.of().withCursor("bogus"))).field());
    }

    @Test
    void usersListTheTenantsUsersWithCountsAndLastActivity() {
        String p = "users-" + UUID.randomUUID();
        Scope ann = Scope.user("acme", p + "-a");
        Scope bo = Scope.user("acme", p + "-b");
        loci().remember(ann, List.of(new Message("user", "Ann", "I grow tomatoes on the balcony.", T0, "a1", Map.of()),
                new Message("user", "Ann", "The tomatoes are ripe now.", T0.plusSeconds(60), "a2", Map.of())));
        loci().remember(bo, List.of(new Message("user", "Bo", "I play chess on Sundays.", T0.plusSeconds(30), "b1",
                Map.of())));
        UserPage first = loci().users("acme", p, 1); // after p: only this test's users sort right after it
        assertEquals(List.of(p + "-a"), first.users().stream().map(UserSummary::userId).toList());
        assertEquals(loci().count(ann, MemoryFilter.all()), first.users().get(0).memories());
        assertTrue(first.users().get(0).memories() >= 2, first.toString());
        assertEquals(T0.plusSeconds(60), first.users().get(0).lastActivity());
        assertEquals(p + "-a", first.nextCursor());
        UserPage second = loci().users("acme", first.nextCursor(), 1);
        assertEquals(p + "-b", second.users().get(0).userId());
        assertEquals(T0.plusSeconds(30), second.users().get(0).lastActivity());

        loci().purge(bo);
        UserPage rest = loci().users("acme", p, UserPage.MAX_LIMIT);
        assertEquals(List.of(p + "-a"), rest.users().stream().map(UserSummary::userId).toList(), "a purged user is gone");
        assertFalse(rest.hasMore());
        assertEquals("limit", assertThrows(InvalidInputException.class, () -> loci().users("acme", null, 0)).field());
    }

    @Test
    void unknownIdsAreEmptyNotErrors() {
        loci().remember(maya, conversation());
        assertTrue(loci().get(maya, "no-such-id").isEmpty());
        assertTrue(loci().update(maya, "no-such-id", "new text").isEmpty());
        assertEquals(List.of(), loci().history(maya, "no-such-id"));
        assertFalse(loci().forget(maya, "no-such-id"));
        assertTrue(loci().pin(maya, "no-such-id", true).isEmpty());
        String id = loci().remember(maya, conversation()).ids().get(0);
        Scope someoneElse = Scope.user("acme", "tom-" + UUID.randomUUID());
        assertTrue(loci().get(someoneElse, id).isEmpty(), "another user's memory is not found");
        assertFalse(loci().forget(someoneElse, id));
    }

    @Test
    void invalidInputNamesTheSameField() {
        assertEquals("messages[1].text", assertThrows(InvalidInputException.class, () -> loci().remember(maya,
                List.of(Message.of("Maya", "fine", T0), Message.of("Maya", "  ", T0)))).field());
        assertEquals("messages[0].expiresAt", assertThrows(InvalidInputException.class, () -> loci().remember(maya,
                List.of(Message.of("Maya", "fine", T0).withExpiresAt(T0.minusSeconds(1))))).field());
        assertEquals("budget", assertThrows(InvalidInputException.class,
                () -> loci().context(maya, "dog", 0)).field());
        assertEquals("query.text", assertThrows(InvalidInputException.class,
                () -> loci().recall(maya, RecallQuery.of(" "))).field());
        String id = loci().remember(maya, conversation()).ids().get(0);
        assertEquals("text", assertThrows(InvalidInputException.class,
                () -> loci().update(maya, id, "")).field());
        assertEquals("id", assertThrows(InvalidInputException.class, () -> loci().get(maya, " ")).field());
        assertEquals(3, loci().count(maya, MemoryFilter.all().withKinds(Set.of(Kind.TURN))),
                "nothing was written by the refused calls");
    }
}
