package dev.loci.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.Loci;
import dev.loci.engine.LociEngine;
import dev.loci.testkit.HashingEmbedder;
import dev.loci.testkit.InMemoryStore;
import dev.loci.testkit.ManualClock;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The tools' behaviour, called as the MCP server calls them, on the testkit's fakes. */
class LociToolsTest {
    private static final Instant T = Instant.parse("2024-03-02T18:00:00Z");
    private static final ConnectionScope MAYA = new ConnectionScope("acme", "maya");

    private final Loci loci = LociEngine.builder().embedder(new HashingEmbedder()).store(new InMemoryStore())
            .clock(new ManualClock(T)).random(new Random(7)).build();
    private final LociTools tools = new LociTools(loci);

    @AfterEach
    void close() {
        loci.close();
    }

    @Test
    void addThenSearchFindsIt() {
        CallToolResult added = ok(call(LociTools.ADD, "text", "We adopted a greyhound and called her Biscuit.",
                "speaker", "Maya", "timestamp", "2024-03-02T18:10:00Z"));
        String id = (String) structured(added).get("id");
        assertTrue(text(added).contains(id), text(added));

        CallToolResult found = ok(call(LociTools.SEARCH, "query", "greyhound Biscuit", "limit", 3));
        assertTrue(text(found).contains("Biscuit") && text(found).contains(id), text(found));
        List<?> results = (List<?>) structured(found).get("results");
        assertEquals(id, ((Map<?, ?>) results.getFirst()).get("id"));

        // said on 2024-03-02 (the clock is at 18:00 that day): held from then on, not before
        CallToolResult before = ok(call(LociTools.SEARCH, "query", "greyhound Biscuit", "held_at", "2024-03-01T00:00:00Z"));
        assertEquals(List.of(), structured(before).get("results"), text(before));
        CallToolResult after = ok(call(LociTools.SEARCH, "query", "greyhound Biscuit", "held_at", "2024-03-03T00:00:00Z"));
        assertEquals(id, ((Map<?, ?>) ((List<?>) structured(after).get("results")).getFirst()).get("id"), text(after));
    }

    @Test
    void listMemoriesPagesNewestFirstWithACursor() {
        for (int i = 0; i < 5; i++) {
            ok(call(LociTools.ADD, "text", "Practice note " + i, "speaker", "Maya",
                    "timestamp", T.plusSeconds(60L * i).toString(), "session_id", i < 3 ? "s1" : "s2"));
        }
        ok(call(LociTools.ADD, "text", "Bob's note", "user_id", "bob"));
        CallToolResult first = ok(call(LociTools.LIST, "limit", 2));
        assertTrue(text(first).startsWith("2 memories of tenant acme, user maya, newest first:\n- ["), text(first));
        assertTrue(text(first).indexOf("Practice note 4") < text(first).indexOf("Practice note 3"), text(first));
        String cursor = (String) structured(first).get("nextCursor");
        assertTrue(text(first).endsWith("call list_memories again with cursor \"" + cursor + "\"."), text(first));
        assertEquals(2, ((List<?>) structured(first).get("memories")).size());

        CallToolResult rest = ok(call(LociTools.LIST, "limit", 5, "cursor", cursor));
        assertTrue(text(rest).contains("Practice note 2") && text(rest).contains("Practice note 0")
                && !text(rest).contains("Practice note 4") && !text(rest).contains("Bob"), text(rest));
        assertTrue(text(rest).endsWith("That is all of them."), text(rest));
        assertEquals(null, structured(rest).get("nextCursor"));

        CallToolResult session = ok(call(LociTools.LIST, "session_id", "s2"));
        assertEquals(2, ((List<?>) structured(session).get("memories")).size(), text(session));
        assertTrue(text(ok(call(LociTools.LIST, "user_id", "nobody"))).startsWith("No memories of"));
    }

    @Test
    void getContextReturnsTheBlock() {
        ok(call(LociTools.ADD, "text", "I'm seriously allergic to peanuts.", "speaker", "Maya"));
        CallToolResult context = ok(call(LociTools.CONTEXT, "query", "What should Maya not eat?",
                "token_budget", 200));
        assertTrue(text(context).contains("peanuts"), text(context));
        Map<?, ?> block = structured(context);
        assertEquals(200, block.get("budget"));
        assertTrue((Integer) block.get("tokens") <= 200);
        assertFalse(((List<?>) block.get("items")).isEmpty());
    }

    @Test
    void updateThenHistoryShowsTwoVersions() {
        String id = addedId("The dentist appointment is on Tuesday.");
        CallToolResult updated = ok(call(LociTools.UPDATE, "memory_id", id,
                "text", "The dentist appointment is on Thursday."));
        assertEquals(2, structured(updated).get("version"));

        CallToolResult history = ok(call(LociTools.HISTORY, "memory_id", id));
        List<?> versions = (List<?>) structured(history).get("versions");
        assertEquals(2, versions.size(), text(history));
        assertTrue(text(history).contains("Tuesday") && text(history).contains("Thursday"), text(history));
    }

    @Test
    void deleteThenGetReportsNotFound() {
        String id = addedId("My locker code is 4711.");
        ok(call(LociTools.GET, "memory_id", id));
        ok(call(LociTools.DELETE, "memory_id", id));

        CallToolResult gone = call(LociTools.GET, "memory_id", id);
        assertTrue(gone.isError());
        assertTrue(text(gone).contains("No memory with id '" + id + "'"), text(gone));
        assertEquals("not_found", structured(gone).get("error"));
        assertTrue(call(LociTools.DELETE, "memory_id", id).isError(), "a second delete finds nothing");
    }

    @Test
    void deleteAllWithoutConfirmIsRefusedAndDeletesNothing() {
        addedId("I live in Lisbon.");
        for (Object confirm : new Object[]{null, false}) {
            var args = new HashMap<String, Object>();
            args.put("confirm", confirm);
            CallToolResult refused = tools.call(LociTools.DELETE_ALL, MAYA, args);
            assertTrue(refused.isError());
            assertTrue(text(refused).contains("confirm: true"), text(refused));
        }
        assertTrue(text(ok(call(LociTools.SEARCH, "query", "Lisbon"))).contains("Lisbon"));

        CallToolResult purged = ok(call(LociTools.DELETE_ALL, "confirm", true));
        assertTrue(((Number) structured(purged).get("deleted")).longValue() >= 1, text(purged));
        assertTrue(text(ok(call(LociTools.SEARCH, "query", "Lisbon"))).startsWith("No memories found"));
    }

    @Test
    void deleteAllNeedsAUserWhenTheConnectionHasNone() {
        CallToolResult refused = tools.call(LociTools.DELETE_ALL, new ConnectionScope("acme", null),
                Map.of("confirm", true));
        assertTrue(refused.isError());
        assertEquals("user_id", structured(refused).get("argument"));
    }

    @Test
    void userIdOverridesTheDefaultUserAndKeepsUsersApart() {
        ok(call(LociTools.ADD, "text", "Bob plays the trombone.", "user_id", "bob"));
        assertTrue(text(ok(call(LociTools.SEARCH, "query", "trombone"))).startsWith("No memories found"));
        assertTrue(text(ok(call(LociTools.SEARCH, "query", "trombone", "user_id", "bob"))).contains("trombone"));
        CallToolResult otherTenant = tools.call(LociTools.SEARCH, new ConnectionScope("globex", "bob"),
                Map.of("query", "trombone"));
        assertTrue(text(otherTenant).startsWith("No memories found"), text(otherTenant));
    }

    @Test
    void getProfileReturnsTheUsersCurrentFacts() {
        ok(call(LociTools.ADD, "text", "I live in Denver.", "speaker", "Maya", "role", "user"));
        ok(call(LociTools.ADD, "text", "I'm allergic to peanuts.", "speaker", "Maya", "role", "user"));
        CallToolResult profile = ok(call(LociTools.PROFILE));
        assertTrue(text(profile).contains("Denver"), text(profile));
        assertFalse(((List<?>) structured(profile).get("facts")).isEmpty(), text(profile));
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "limit", "ten"), "limit"),
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "limit", 0), "limit"),
                Arguments.of(LociTools.SEARCH, Map.of("limit", 3), "query"),
                Arguments.of(LociTools.SEARCH, Map.of("query", 42), "query"),
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "kinds", List.of("dream")), "kinds[0]"),
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "from", "yesterday"), "from"),
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "from", "2024-03-02", "to", "2024-03-01"),
                        "from"),
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "userId", "bob"), "userId"),
                Arguments.of(LociTools.SEARCH, Map.of("query", "dog", "user_id", 7), "user_id"),
                Arguments.of(LociTools.ADD, Map.of("text", "hi", "metadata", Map.of("n", 1)), "metadata.n"),
                Arguments.of(LociTools.ADD, Map.of("text", "   "), "text"),
                Arguments.of(LociTools.ADD, Map.of("text", "hi", "user_id", "x".repeat(300)), "user_id"),
                Arguments.of(LociTools.CONTEXT, Map.of("query", "dog", "token_budget", 5), "token_budget"),
                Arguments.of(LociTools.GET, Map.of(), "memory_id"),
                Arguments.of(LociTools.LIST, Map.of("cursor", "bogus"), "cursor"),
                Arguments.of(LociTools.LIST, Map.of("limit", 0), "limit"),
                Arguments.of(LociTools.LIST, Map.of("kinds", List.of("dream")), "kinds[0]"),
                Arguments.of(LociTools.DELETE_ALL, Map.of("confirm", "yes"), "confirm"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsGiveAnErrorResultNamingTheArgument(String tool, Map<String, Object> args, String argument) {
        CallToolResult result = tools.call(tool, MAYA, args);
        assertTrue(result.isError(), () -> text(result));
        assertEquals(argument, structured(result).get("argument"), () -> text(result));
        assertTrue(text(result).contains("'" + argument + "'"), () -> text(result));
        assertFalse(text(result).contains("Exception") || text(result).contains("\tat "), () -> text(result));
    }

    private String addedId(String text) {
        return (String) structured(ok(call(LociTools.ADD, "text", text, "speaker", "Maya"))).get("id");
    }

    private CallToolResult call(String tool, Object... pairs) {
        var args = new HashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            args.put((String) pairs[i], pairs[i + 1]);
        }
        return tools.call(tool, MAYA, args);
    }

    static CallToolResult ok(CallToolResult result) {
        assertFalse(Boolean.TRUE.equals(result.isError()), () -> text(result));
        return result;
    }

    static String text(CallToolResult result) {
        return ((TextContent) result.content().getFirst()).text();
    }

    static Map<?, ?> structured(CallToolResult result) {
        return (Map<?, ?>) result.structuredContent();
    }
}
