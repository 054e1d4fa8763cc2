package dev.loci.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.StorageException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * The one place where exceptions become HTTP problems ({@code application/problem+json}, RFC 9457).
 * Bad input is a 4xx naming the field; an unexpected exception is a 500 carrying the request id,
 * logged here with its stack trace, which never reaches the client.
 */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final System.Logger LOG = System.getLogger("dev.loci.server");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Engine field names that the REST API spells differently. */
    private static final Map<String, String> API_FIELDS = Map.of(
            "scope.tenant", "tenant",
            "scope.userId", "userId",
            "scope.agentId", "agentId",
            "scope.sessionId", "sessionId",
            "query.text", "query",
            "query.k", "k",
            "timeRange", "from",
            "tokenBudget", "budget",
            "filter.metadata", "metadata");

    private Problems() {
    }

    /** The problem for an exception thrown while serving a request. */
    static Problem toProblem(Throwable t, String requestId) {
        if (t instanceof ProblemException p) {
            return p.problem();
        }
        if (t instanceof InvalidInputException e) {
            String field = apiField(e.field());
            String message = e.getMessage().startsWith(e.field() + ": ")
                    ? e.getMessage().substring(e.field().length() + 2) : e.getMessage();
            return Problem.unprocessable(field, message);
        }
        if (t instanceof HttpResponseException e) {
            return switch (e.getStatus()) {
                case 404 -> Problem.of(404, "not-found", "Not found", "no route " + e.getMessage()
                        .replaceFirst("^Endpoint ", "").replaceFirst(" not found$", ""));
                case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed", e.getMessage());
                case 413 -> tooLarge(-1);
                default -> Problem.of(e.getStatus(), "http-" + e.getStatus(), e.getMessage(), e.getMessage());
            };
        }
        if (t instanceof StorageException e && e.isRetriable()) {
            LOG.log(Level.WARNING, "request " + requestId + ": retriable storage failure", e);
            return Problem.of(503, "unavailable", "Service unavailable",
                    "the store failed for a moment; retry (request " + requestId + ")");
        }
        if (t instanceof LociException e && e.getMessage() != null && e.getMessage().contains("closed")) {
            return Problem.of(503, "unavailable", "Service unavailable", "the server is stopping");
        }
        LOG.log(Level.ERROR, "request " + requestId + " failed", t);
        return Problem.of(500, "internal", "Internal server error",
                "an unexpected error occurred; it was logged with request id " + requestId);
    }

    static Problem tooLarge(long limit) {
        return Problem.of(413, "body-too-large", "Request body too large",
                limit > 0 ? "the body exceeds the limit of " + limit + " bytes" : "the body exceeds the limit");
    }

    /** Writes the problem as the response. */
    static void write(Context ctx, Problem problem, String requestId) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", problem.type());
        node.put("title", problem.title());
        node.put("status", problem.status());
        node.put("detail", problem.detail());
        node.put("instance", ctx.path());
        node.put("requestId", requestId);
        var errors = node.putArray("errors");
        for (Problem.FieldError e : problem.errors()) {
            errors.addObject().put("field", e.field()).put("message", e.message());
        }
        ctx.status(problem.status());
        if (problem.status() == 429 || problem.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.contentType(CONTENT_TYPE);
        ctx.result(node.toString());
    }

    static String apiField(String engineField) {
        if (engineField == null) {
            return "";
        }
        String mapped = API_FIELDS.get(engineField);
        if (mapped != null) {
            return mapped;
        }
        return engineField.startsWith("query.") ? engineField.substring("query.".length()) : engineField;
    }
}
