package dev.loci.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A small real HTTP client for one test server on 127.0.0.1; records every exchange. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request and its answer ({@code link}: its Link header, "" when none). */
    record Exchange(String method, String path, int status, String contentType, String body, String link) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;
    private final List<Exchange> log;

    Http(int port, String key, List<Exchange> log) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
        this.log = log;
    }

    Http(int port, String key) {
        this(port, key, null);
    }

    Http withKey(String otherKey) {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey, log);
    }

    Exchange get(String path) {
        return send("GET", path, null, b -> { });
    }

    Exchange delete(String path) {
        return send("DELETE", path, null, b -> { });
    }

    Exchange post(String path, String json) {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8), b -> { });
    }

    Exchange patch(String path, String json) {
        return send("PATCH", path, json.getBytes(StandardCharsets.UTF_8), b -> { });
    }

    Exchange put(String path, String json) {
        return send("PUT", path, json.getBytes(StandardCharsets.UTF_8), b -> { });
    }

    Exchange send(String method, String path, byte[] body, Consumer<HttpRequest.Builder> extra) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
            if (body.length > 1 << 20) {
                // Over the server's default limit: it answers 413 from the headers and closes. Without
                // "Expect: 100-continue" the client may still be writing the body then, and reads no reply.
                b.expectContinue(true);
            }
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        extra.accept(b);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Exchange e = new Exchange(method, path, r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers().firstValue("Link").orElse(""));
            if (log != null) {
                synchronized (log) {
                    log.add(e);
                }
            }
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static List<Exchange> newLog() {
        return new ArrayList<>();
    }
}
