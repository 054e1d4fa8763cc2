package dev.loci.mcp;

import static dev.loci.mcp.InputSchema.AGENT_ID;
import static dev.loci.mcp.InputSchema.SESSION_ID;
import static dev.loci.mcp.InputSchema.USER_ID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.ForgetResult;
import dev.loci.Kind;
import dev.loci.ListQuery;
import dev.loci.Loci;
import dev.loci.Memory;
import dev.loci.MemoryPage;
import dev.loci.Message;
import dev.loci.RecallQuery;
import dev.loci.Recalled;
import dev.loci.RememberResult;
import dev.loci.Scope;
import dev.loci.TimeRange;
import dev.loci.json.LociJson;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Loci's operations as MCP tools: each tool's name, description (written for the model: what it
 * does, when to use it, what comes back), input schema and handler, in the order a model meets
 * them. Every handler reads its arguments through {@link ToolArgs}, works within the connection's
 * tenant, and answers with text plus structured content; every failure goes through
 * {@link ToolErrors}. Thread-safe, as {@link Loci} is.
 */
final class LociTools {
    static final String ADD = "add_memory";
    static final String SEARCH = "search_memories";
    static final String LIST = "list_memories";
    static final String CONTEXT = "get_context";
    static final String GET = "get_memory";
    static final String UPDATE = "update_memory";
    static final String HISTORY = "get_memory_history";
    static final String DELETE = "delete_memory";
    static final String DELETE_ALL = "delete_all_memories";
    static final String PROFILE = "get_profile";

    private static final String USER_DEFAULT = "Optional: whose memories; omit for this connection's default user.";
    private static final String MEMORY_ID = "memory_id";
    /** Query for the profile and facts when get_profile names no topic: the subjects facts are about. */
    private static final String PROFILE_QUERY = "about the user: name, home, work, family, pets, likes, health";

    private final Loci loci;
    private final List<Def> defs;

    LociTools(Loci loci) {
        this.loci = loci;
        this.defs = List.of(add(), search(), list(), context(), get(), update(), history(), delete(), deleteAll(), profile());
    }

    /** The tools, each resolving its connection's scope from the exchange it is called in. */
    List<SyncToolSpecification> specifications(Function<McpSyncServerExchange, ConnectionScope> connections) {
        return defs.stream().map(d -> SyncToolSpecification.builder().tool(d.tool())
                .callHandler((exchange, request) -> call(d, connections.apply(exchange), request.arguments()))
                .build()).toList();
    }

    /** Calls a tool by name, as the MCP server does (for tests and other front ends). */
    CallToolResult call(String name, ConnectionScope connection, Map<String, Object> arguments) {
        Def def = defs.stream().filter(d -> d.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tool " + name));
        return call(def, connection, arguments);
    }

    private static CallToolResult call(Def def, ConnectionScope connection, Map<String, Object> arguments) {
        try {
            return def.handler.call(connection, new ToolArgs(arguments, def.schema.names()));
        } catch (RuntimeException e) {
            return ToolErrors.of(def.name, e);
        }
    }

    private Def add() {
        return new Def(ADD, "Remember", """
                Store something worth remembering: a message from the conversation, a preference, a fact \
                about the user, an event. Loci keeps it durably, indexes it for search and reads facts out of \
                it (e.g. "I moved to Denver" becomes the user's current home, replacing an older one). Use it \
                when the user shares lasting information or asks you to remember something; one message per \
                call, in the speaker's own words where possible. Returns the new memory's id.""",
                InputSchema.object()
                        .string("text", true, "What to remember, e.g. \"I'm allergic to peanuts.\"")
                        .string("speaker", false, "Who said it, e.g. the user's name; omit if unknown.")
                        .string("role", false, "Who produced it: user, assistant or system.")
                        .dateTime("timestamp", "When it was said or happened; omit for now.")
                        .string("client_id", false, "Optional: your id for this message; adding the same "
                                + "client_id again stores nothing new (safe retries).")
                        .stringMap("metadata", "Optional string pairs to filter searches by later, e.g. "
                                + "{\"topic\": \"health\"}.")
                        .scope(USER_DEFAULT),
                annotations("Remember", false, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    var message = new Message(a.optionalString("role"), a.optionalString("speaker"),
                            a.requiredString("text"), a.optionalInstant("timestamp"), a.optionalString("client_id"),
                            a.optionalStringMap("metadata"));
                    RememberResult result = loci.remember(scope, List.of(message));
                    String id = result.ids().getFirst();
                    ObjectNode out = LociJson.remembered(result).put("id", id);
                    out.set("scope", LociJson.scope(scope));
                    return ok(result.added() == 1 ? "Remembered as " + id + " in " + Render.scope(scope) + "."
                            : "Already remembered (same client_id) as " + id + "; nothing new stored.", out);
                });
    }

    private Def search() {
        return new Def(SEARCH, "Search memories", """
                Search the user's long-term memory by meaning and by keywords. Use it before answering anything \
                that may depend on what the user said before (preferences, people, plans, past events) or when \
                asked what you remember. Relative dates in the query ("last weekend") are understood. Returns \
                the best matches first, each with its id, date, speaker, kind and text; pass an id to \
                get_memory, update_memory or delete_memory.""",
                InputSchema.object()
                        .string("query", true, "What to look for, as a question or keywords.")
                        .integer("limit", 1, 100, RecallQuery.DEFAULT_K, "How many memories to return at most.")
                        .kinds("kinds", "Optional: only these kinds. By default messages and documents "
                                + "(turn, chunk, procedure); fact returns the current facts.")
                        .dateTime("from", "Optional: only what happened at or after this moment.")
                        .dateTime("to", "Optional: only what happened before this moment.")
                        .stringMap("metadata", "Optional: only memories carrying all these string pairs.")
                        .dateTime("held_at", "Optional: answer as things stood at this moment (what had been said "
                                + "by then, without what a later statement had replaced by then), for questions "
                                + "about the past such as \"where did I live in June 2024?\"; omit for now.")
                        .scope(USER_DEFAULT),
                annotations("Search memories", true, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    String query = a.requiredString("query");
                    var q = RecallQuery.of(query).withK(a.optionalInt("limit", 1, 100, RecallQuery.DEFAULT_K))
                            .withKinds(a.optionalKinds("kinds")).withMetadata(a.optionalStringMap("metadata"))
                            .withHeldAt(a.optionalInstant("held_at"));
                    var from = a.optionalInstant("from");
                    var to = a.optionalInstant("to");
                    if (from != null || to != null) {
                        q = q.withTimeRange(new TimeRange(from, to));
                    }
                    List<Recalled> results = loci.recall(scope, q).results();
                    ObjectNode out = LociJson.mapper().createObjectNode().put("query", query);
                    out.set("results", LociJson.recalled(results));
                    return ok(Render.search(query, scope, results), out);
                });
    }

    private Def list() {
        return new Def(LIST, "List memories", """
                List what Loci holds for the user, newest first, a page at a time: their messages (or one \
                session's, with session_id), with ids, dates and speakers. Use it to review what was said \
                recently, to read back a conversation, or to go through everything remembered about the user \
                (e.g. before they ask what you know); use search_memories instead to find memories about \
                something. When more remain, the result ends with a cursor: pass it back to get the next, \
                older page.""",
                InputSchema.object()
                        .integer("limit", 1, 100, 20, "How many memories per page.")
                        .string("cursor", false, "Optional: the cursor the previous page ended with, to continue "
                                + "after it; omit for the newest memories.")
                        .kinds("kinds", "Optional: only these kinds. By default messages and documents "
                                + "(turn, chunk, procedure); fact lists the current facts.")
                        .dateTime("from", "Optional: only what happened at or after this moment.")
                        .dateTime("to", "Optional: only what happened before this moment.")
                        .stringMap("metadata", "Optional: only memories carrying all these string pairs.")
                        .scope(USER_DEFAULT),
                annotations("List memories", true, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    var q = ListQuery.of().withLimit(a.optionalInt("limit", 1, 100, 20))
                            .withCursor(a.optionalString("cursor")).withKinds(a.optionalKinds("kinds"))
                            .withMetadata(a.optionalStringMap("metadata"));
                    var from = a.optionalInstant("from");
                    var to = a.optionalInstant("to");
                    if (from != null || to != null) {
                        q = q.withTimeRange(new TimeRange(from, to));
                    }
                    MemoryPage page = loci.list(scope, q);
                    ObjectNode out = LociJson.page(page);
                    out.set("scope", LociJson.scope(scope));
                    return ok(Render.page(scope, page, q.cursor() != null), out);
                });
    }

    private Def context() {
        return new Def(CONTEXT, "Get context", """
                Get a prompt-ready block of what Loci remembers that matters for a question or task, within a \
                token budget: the user's profile first, then the most relevant memories in chronological order \
                (less relevant ones shortened to a summary or one line). Use it at the start of a task or \
                conversation to ground your answer; use search_memories instead when you need individual \
                memories and their ids. Returns the block as text.""",
                InputSchema.object()
                        .string("query", true, "The question or task the context is for.")
                        .integer("token_budget", 50, 32_000, 1000, "Most tokens the block may take.")
                        .scope(USER_DEFAULT),
                annotations("Get context", true, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    ContextBlock block = loci.context(scope, a.requiredString("query"),
                            a.optionalInt("token_budget", 50, 32_000, 1000));
                    return ok(Render.context(block), LociJson.context(block));
                });
    }

    private Def get() {
        return new Def(GET, "Get a memory", """
                Get one memory by id with all its details: text, who said it, when it happened and when it was \
                recorded, its version and whether it is still current. Use it to look closer at a memory that \
                search_memories returned.""",
                InputSchema.object().string(MEMORY_ID, true, "The memory's id, as search_memories returns it.")
                        .scope(USER_DEFAULT),
                annotations("Get a memory", true, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    String id = a.requiredString(MEMORY_ID);
                    Optional<Memory> memory = loci.get(scope, id);
                    return memory.map(m -> ok(Render.memory(m), LociJson.memory(m)))
                            .orElseGet(() -> ToolErrors.notFound(id, scope));
                });
    }

    private Def update() {
        return new Def(UPDATE, "Correct a memory", """
                Replace a memory's text with corrected or newer information. The old text stays as an earlier \
                version (get_memory_history) and searches see only the new text. Use it when the user corrects \
                something you remembered. Works on messages and documents (turn, chunk, procedure); facts, \
                summaries and the profile follow from them and change with them. Returns the new version.""",
                InputSchema.object().string(MEMORY_ID, true, "The id of the memory to correct.")
                        .string("text", true, "The full new text (it replaces the old one, it is not appended).")
                        .scope(USER_DEFAULT),
                annotations("Correct a memory", false, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    String id = a.requiredString(MEMORY_ID);
                    String text = a.requiredString("text");
                    return loci.update(scope, id, text)
                            .map(m -> ok("Updated: now version " + m.version() + ".\n" + Render.line(m),
                                    LociJson.memory(m)))
                            .orElseGet(() -> ToolErrors.notFound(id, scope));
                });
    }

    private Def history() {
        return new Def(HISTORY, "Memory history", """
                List every version of a memory, oldest first, each with the interval in which it held: texts \
                replaced by update_memory and earlier statements this one superseded (a previous address, say). \
                Use it to answer "what did I say before?" or to see how something changed.""",
                InputSchema.object().string(MEMORY_ID, true, "The memory's id (any of its versions).")
                        .scope(USER_DEFAULT),
                annotations("Memory history", true, false, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    String id = a.requiredString(MEMORY_ID);
                    List<Memory> versions = loci.history(scope, id);
                    if (versions.isEmpty()) {
                        return ToolErrors.notFound(id, scope);
                    }
                    ObjectNode out = LociJson.mapper().createObjectNode().put("id", id);
                    out.set("versions", LociJson.memories(versions));
                    return ok(Render.history(id, versions), out);
                });
    }

    private Def delete() {
        return new Def(DELETE, "Forget a memory", """
                Permanently delete one memory and its earlier versions by id; summaries built from it are \
                rebuilt without it. Use it when the user asks you to forget something specific. Cannot be \
                undone.""",
                InputSchema.object().string(MEMORY_ID, true, "The id of the memory to delete.")
                        .scope(USER_DEFAULT),
                annotations("Forget a memory", false, true, true),
                (c, a) -> {
                    Scope scope = scope(c, a);
                    String id = a.requiredString(MEMORY_ID);
                    if (!loci.forget(scope, id)) {
                        return ToolErrors.notFound(id, scope);
                    }
                    return ok("Deleted " + id + ".", LociJson.mapper().createObjectNode().put("id", id)
                            .put("deleted", true));
                });
    }

    private Def deleteAll() {
        return new Def(DELETE_ALL, "Forget everything about a user", """
                Permanently delete ALL memories of a user, or of one of their sessions with session_id: every \
                message, fact, summary and the profile. Only when the user explicitly asks to be forgotten \
                entirely. Requires confirm: true. Cannot be undone. Returns how many memories were deleted.""",
                InputSchema.object()
                        .bool("confirm", true, "Must be true: confirms that everything in the scope is to be "
                                + "deleted for good.")
                        .scope("Optional: whose memories; omit for this connection's default user. A user is "
                                + "required: a whole tenant cannot be deleted over MCP."),
                annotations("Forget everything about a user", false, true, true),
                (c, a) -> {
                    Scope scope = userScope(c, a);
                    if (!a.optionalBoolean("confirm", false)) {
                        return ToolErrors.error("not_confirmed", "Nothing deleted: delete_all_memories deletes every "
                                + "memory of " + Render.scope(scope) + " for good, so it needs the argument "
                                + "confirm: true. Ask the user first; call again with confirm: true only if they "
                                + "want everything forgotten.");
                    }
                    ForgetResult result = loci.purge(scope);
                    ObjectNode out = LociJson.forgotten(result);
                    out.set("scope", LociJson.scope(scope));
                    return ok("Deleted " + result.totalRemoved() + " memories of " + Render.scope(scope) + ".", out);
                });
    }

    private Def profile() {
        return new Def(PROFILE, "User profile", """
                Get what Loci currently knows about the user as facts: their profile (lasting attributes such \
                as where they live and work, family, pets, likes, allergies) and the current facts most related \
                to an optional topic. Facts that were later contradicted are left out (get_memory_history shows \
                them). Use it to personalise an answer or when the user asks what you know about them.""",
                InputSchema.object()
                        .string("topic", false, "Optional: the facts most related to this come first, e.g. \"food\".")
                        .integer("limit", 1, 100, 20, "How many facts to return at most.")
                        .string(USER_ID, false, USER_DEFAULT),
                annotations("User profile", true, false, true),
                (c, a) -> {
                    Scope scope = userScope(c, a);
                    String topic = a.optionalString("topic");
                    String query = topic == null ? PROFILE_QUERY : topic;
                    int limit = a.optionalInt("limit", 1, 100, 20);
                    Optional<Memory> profile = loci.recall(scope,
                                    RecallQuery.of(query).withKinds(Set.of(Kind.PROFILE)).withK(1))
                            .results().stream().map(Recalled::memory).findFirst();
                    List<Memory> facts = loci.recall(scope,
                                    RecallQuery.of(query).withKinds(Set.of(Kind.FACT)).withK(limit))
                            .results().stream().map(Recalled::memory).toList();
                    var text = new StringBuilder();
                    if (profile.isEmpty() && facts.isEmpty()) {
                        text.append("No facts known yet about ").append(Render.scope(scope)).append('.');
                    }
                    profile.ifPresent(p -> text.append("Profile of ").append(Render.scope(scope)).append(":\n")
                            .append(p.text()).append("\n\n"));
                    if (!facts.isEmpty()) {
                        text.append("Current facts").append(topic == null ? "" : " about \"" + topic + "\"")
                                .append(":\n");
                        facts.forEach(f -> text.append("- ").append(Render.line(f)).append('\n'));
                    }
                    ObjectNode out = LociJson.mapper().createObjectNode();
                    out.set("profile", profile.map(LociJson::memory).orElse(null));
                    out.set("facts", LociJson.memories(facts));
                    return ok(text.toString().strip(), out);
                });
    }

    /** The scope of a call: the connection's tenant, user_id or the default user, agent and session if given. */
    private static Scope scope(ConnectionScope c, ToolArgs a) {
        String user = a.optionalString(USER_ID);
        return new Scope(c.tenant(), user == null ? c.defaultUser() : user, a.optionalString(AGENT_ID),
                a.optionalString(SESSION_ID));
    }

    /** As {@link #scope}, refusing a call that would act on a whole tenant. */
    private static Scope userScope(ConnectionScope c, ToolArgs a) {
        Scope scope = scope(c, a);
        if (scope.userId() == null) {
            throw new ToolArgumentException(USER_ID, "is required: this connection has no default user");
        }
        return scope;
    }

    /** A result: the text for the model, and the project's JSON form of the same as structured content. */
    private static CallToolResult ok(String text, ObjectNode structured) {
        return CallToolResult.builder().addTextContent(text).structuredContent(Structured.of(structured))
                .isError(false).build();
    }

    private static ToolAnnotations annotations(String title, boolean readOnly, boolean destructive, boolean idempotent) {
        return ToolAnnotations.builder().title(title).readOnlyHint(readOnly).destructiveHint(destructive)
                .idempotentHint(idempotent).openWorldHint(false).build();
    }

    /** How one tool is reached from a call. */
    @FunctionalInterface
    private interface Handler {
        CallToolResult call(ConnectionScope connection, ToolArgs args);
    }

    private record Def(String name, String title, String description, InputSchema schema,
                       ToolAnnotations annotations, Handler handler) {
        Tool tool() {
            return Tool.builder(name, schema.toMap()).title(title).description(description)
                    .annotations(annotations).build();
        }
    }
}
