package dev.loci.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.InvalidInputException;
import dev.loci.LociException;
import dev.loci.StorageException;
import dev.loci.json.LociJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One HTTP exchange with the server, start to finish: builds the request, sends it, retries what
 * is safe to retry, and turns every failure into the exception the embedded engine would throw.
 * This is the one place where HTTP statuses and problem documents become Loci exceptions.
 *
 * <p>Retries: only calls marked idempotent, after a network error, a 429 or a 503; at most
 * {@code maxRetries} times, waiting {@code backoffBase * 2^attempt} (capped at {@code maxBackoff})
 * scaled by a random factor in [0.5, 1) so that many clients do not retry in step, and at least
 * what the server's {@code Retry-After} asks (also capped). Thread-safe: no mutable state.
 */
final class Transport {
    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** A 2xx (or an expected 404) answer. */
    record Response(int status, String body) {
        JsonNode json() {
            try {
                return LociJson.mapper().readTree(body);
            } catch (JsonProcessingException e) {
                throw new LociException("the server's answer is not JSON: " + abbreviate(body), e);
            }
        }
    }

    /** Server field names (the REST API's spelling) that the engine spells differently. */
    private static final Map<String, String> ENGINE_FIELDS = Map.of(
            "tenant", "scope.tenant",
            "userId", "scope.userId",
            "agentId", "scope.agentId",
            "sessionId", "scope.sessionId",
            "k", "query.k");

    private final String base;
    private final String apiKey;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration backoffBase;
    private final Duration maxBackoff;
    private final Sleeper sleeper;
    private final Clock clock;

    Transport(String base, String apiKey, HttpClient http, Duration requestTimeout, int maxRetries,
              Duration backoffBase, Duration maxBackoff, Sleeper sleeper, Clock clock) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.maxRetries = maxRetries;
        this.backoffBase = backoffBase;
        this.maxBackoff = maxBackoff;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /**
     * Sends the request and returns a 2xx answer, or a 404 "no such memory" when
     * {@code notFoundIsAnswer}; anything else is thrown as a {@link LociException}.
     *
     * @param body       JSON body, or null for none
     * @param idempotent whether sending it twice has the effect of sending it once (retried if so)
     */
    Response send(String method, String path, JsonNode body, boolean idempotent, boolean notFoundIsAnswer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(LociJson.compact(body), StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = b.build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (idempotent && attempt < maxRetries) {
                    pause(backoff(attempt), method, path);
                    continue;
                }
                throw new StorageException("cannot reach the Loci server for " + method + " " + path + " after "
                        + (attempt + 1) + " attempt(s): " + e, true, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LociException("interrupted while calling " + method + " " + path, e);
            }
            int status = r.statusCode();
            if (status / 100 == 2) {
                return new Response(status, r.body());
            }
            Problem problem = Problem.parse(r.body());
            if (status == 404 && notFoundIsAnswer && !problem.detail().startsWith("no route")) {
                return new Response(status, r.body());
            }
            if ((status == 429 || status == 503) && idempotent && attempt < maxRetries) {
                Duration wait = backoff(attempt);
                Duration asked = retryAfter(r);
                pause(cap(asked.compareTo(wait) > 0 ? asked : wait), method, path);
                continue;
            }
            throw failure(status, problem, method, path, attempt + 1);
        }
    }

    /**
     * The exception the embedded engine would throw for the same fault; a route this server does
     * not have (an older server) is an {@link UnsupportedOperationException}.
     */
    private static RuntimeException failure(int status, Problem p, String method, String path, int attempts) {
        String where = " (" + method + " " + path + (p.requestId().isEmpty() ? "" : ", request " + p.requestId())
                + ")";
        return switch (status) {
            case 400, 413, 422 -> new InvalidInputException(engineField(p.field()), p.message());
            case 401 -> new AuthenticationException(p.detail() + where);
            case 403 -> new AccessDeniedException(p.detail() + where);
            case 404 -> p.detail().startsWith("no route")
                    ? new UnsupportedOperationException("this server has no route for " + method + " " + path
                    + "; it is older than the client")
                    : new LociException(p.detail() + where);
            case 429, 503 -> new StorageException("the server is busy or unavailable after " + attempts
                    + " attempt(s): " + p.detail() + where, true);
            default -> new LociException("HTTP " + status + ": " + p.detail() + where);
        };
    }

    private static String engineField(String apiField) {
        return ENGINE_FIELDS.getOrDefault(apiField, apiField);
    }

    private Duration backoff(int attempt) {
        long nanos = backoffBase.toNanos() << Math.min(attempt, 30);
        if (nanos <= 0 || nanos > maxBackoff.toNanos()) {
            nanos = maxBackoff.toNanos();
        }
        return Duration.ofNanos((long) (nanos * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    }

    private Duration cap(Duration d) {
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /** The server's {@code Retry-After} (seconds or an HTTP date), zero when absent or unreadable. */
    private Duration retryAfter(HttpResponse<?> r) {
        Optional<String> v = r.headers().firstValue("Retry-After").map(String::trim);
        if (v.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v.get())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(v.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return Duration.ZERO;
            }
        }
    }

    private void pause(Duration d, String method, String path) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LociException("interrupted while waiting to retry " + method + " " + path, e);
        }
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** What the client reads of a problem document; tolerant of a body that is not one. */
    record Problem(String detail, String field, String message, String requestId) {
        static Problem parse(String body) {
            JsonNode node;
            try {
                node = LociJson.mapper().readTree(body == null || body.isBlank() ? "{}" : body);
            } catch (JsonProcessingException e) {
                return new Problem(abbreviate(body), "body", abbreviate(body), "");
            }
            String detail = node.path("detail").asText(node.path("title").asText(abbreviate(body)));
            JsonNode first = node.path("errors").path(0);
            return new Problem(detail, first.path("field").asText("body"), first.path("message").asText(detail),
                    node.path("requestId").asText(""));
        }
    }
}
