package dev.loci.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Firefox driven over WebDriver BiDi, the W3C protocol Firefox speaks itself: no
 * geckodriver. Firefox is started with {@code --remote-debugging-port} on a free loopback port and
 * a fresh profile; this client opens {@code ws://127.0.0.1:<port>/session} with the JDK's
 * {@link WebSocket}, sends {@code session.new}, and then drives the first tab with
 * {@code browsingContext.*}, {@code script.*} and {@code input.performActions} (real pointer and
 * key events, so the page handles clicks and typing as it would a person's).
 *
 * <p>Commands are sent one at a time (a test is one thread); answers are matched by id, events are
 * ignored. Not thread-safe.
 */
final class BidiFirefox implements ConsoleBrowser {
    /** Where Debian's {@code firefox-esr} package (or a {@code firefox} one) puts the browser. */
    static final List<Path> BINARIES = List.of(Path.of("/usr/bin/firefox-esr"), Path.of("/usr/bin/firefox"));
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String context;
    private final List<String> pageErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    static Optional<Path> binary() {
        return BINARIES.stream().filter(Files::isExecutable).findFirst();
    }

    /** Starts Firefox headless with a fresh profile under {@code profile} and opens a BiDi session. */
    static BidiFirefox start(Path binary, Path profile, int width, int height) throws IOException {
        Files.createDirectories(profile);
        // Quiet first runs and background traffic: the tests run without network access.
        Files.writeString(profile.resolve("user.js"), String.join("\n",
                "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
                "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");",
                "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
                "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);",
                "user_pref(\"app.update.disabledForTesting\", true);",
                "user_pref(\"browser.safebrowsing.update.enabled\", false);",
                "user_pref(\"network.captive-portal-service.enabled\", false);",
                "user_pref(\"intl.accept_languages\", \"en-US\");", ""));
        int port = freePort();
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-remote",
                "--remote-debugging-port", Integer.toString(port), "--profile", profile.toString(), "about:blank")
                .redirectErrorStream(true).start();
        try {
            String endpoint = awaitEndpoint(process, port);
            return new BidiFirefox(process, endpoint, width, height);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private BidiFirefox(Process process, String endpoint, int width, int height) throws IOException {
        this.process = process;
        try {
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(endpoint + "/session"), new Answers()).get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to Firefox", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot open a WebDriver BiDi session on " + endpoint + ": " + e, e);
        }
        command("session.new", obj().set("capabilities", obj()));
        command("session.subscribe", obj().set("events", Http.JSON.createArrayNode().add("log.entryAdded")));
        this.context = command("browsingContext.getTree", obj().put("maxDepth", 0)).path("contexts").get(0)
                .path("context").asText();
        command("browsingContext.setViewport", obj().put("context", context)
                .set("viewport", obj().put("width", width).put("height", height)));
    }

    /** Reads Firefox's output until it says where BiDi listens; keeps draining it afterwards. */
    private static String awaitEndpoint(Process process, int port) throws IOException {
        var found = new CompletableFuture<String>();
        var output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!found.isDone()) {
                        output.append(line).append('\n');
                        int at = line.indexOf("WebDriver BiDi listening on ");
                        if (at >= 0) {
                            found.complete(line.substring(at + "WebDriver BiDi listening on ".length()).trim());
                        }
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IOException("Firefox exited before listening for WebDriver BiDi"));
        }, "firefox-output");
        reader.setDaemon(true);
        reader.start();
        try {
            String endpoint = found.get(START.toSeconds(), TimeUnit.SECONDS);
            if (!endpoint.equals("ws://127.0.0.1:" + port)) {
                throw new IOException("Firefox listens on " + endpoint + ", not on port " + port);
            }
            return endpoint;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting Firefox", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Firefox did not open WebDriver BiDi within " + START.toSeconds() + " s: " + e
                    + "; its output:\n" + output, e);
        }
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ---- the protocol ----

    private static ObjectNode obj() {
        return Http.JSON.createObjectNode();
    }

    /** Sends one command and returns its result; a BiDi error fails the test with Firefox's message. */
    JsonNode command(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        var answer = new CompletableFuture<JsonNode>();
        pending.put(id, answer);
        ObjectNode message = obj().put("id", id).put("method", method);
        message.set("params", params);
        try {
            socket.sendText(message.toString(), true).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            if ("error".equals(reply.path("type").asText())) {
                throw new AssertionError(method + " failed in Firefox: " + reply.path("error").asText() + ": "
                        + reply.path("message").asText());
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + method, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(method + " got no answer from Firefox within " + COMMAND.toSeconds() + " s", e);
        } finally {
            pending.remove(id);
        }
    }

    /** Collects text frames into messages and hands each answer to the command waiting for it. */
    private final class Answers implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = Http.JSON.readTree(text);
                    var waiting = message.has("id") ? pending.get(message.path("id").asInt()) : null;
                    if (waiting != null) {
                        waiting.complete(message);
                    } else if ("log.entryAdded".equals(message.path("method").asText())
                            && "error".equals(message.path("params").path("level").asText())) {
                        pageErrors.add(message.path("params").path("text").asText());
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** Runs {@code body} (a function body over {@code args}) in the page, awaiting a promise; returns its value as JSON. */
    private JsonNode call(String body, Object... args) {
        ArrayNode arguments = Http.JSON.createArrayNode();
        for (Object a : args) {
            arguments.add(obj().put("type", "string").put("value", String.valueOf(a)));
        }
        ObjectNode params = obj().put("functionDeclaration",
                        "async function(...args) { const v = await (async () => { " + body + " })();"
                                + " return JSON.stringify(v === undefined ? null : v); }")
                .put("awaitPromise", true).put("resultOwnership", "none");
        params.set("arguments", arguments);
        params.set("target", obj().put("context", context));
        JsonNode result = command("script.callFunction", params);
        if ("exception".equals(result.path("type").asText())) {
            throw new AssertionError("script failed in Firefox: " + result.path("exceptionDetails").path("text").asText());
        }
        try {
            return Http.JSON.readTree(result.path("result").path("value").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The element's shared id, for input actions; it is scrolled to the middle of the viewport first. */
    private String element(String css) {
        ObjectNode params = obj().put("functionDeclaration", "function(css) { const e = document.querySelector(css);"
                + " if (e) e.scrollIntoView({block: 'center', inline: 'center'}); return e; }")
                .put("awaitPromise", false).put("resultOwnership", "none");
        params.set("arguments", Http.JSON.createArrayNode().add(obj().put("type", "string").put("value", css)));
        params.set("target", obj().put("context", context));
        JsonNode result = command("script.callFunction", params).path("result");
        if (!"node".equals(result.path("type").asText())) {
            throw new AssertionError("no element matches " + css);
        }
        return result.path("sharedId").asText();
    }

    private void perform(ObjectNode source) {
        ObjectNode params = obj().put("context", context);
        params.set("actions", Http.JSON.createArrayNode().add(source));
        command("input.performActions", params);
        command("input.releaseActions", obj().put("context", context));
    }

    // ---- ConsoleBrowser ----

    @Override
    public void open(String url) {
        command("browsingContext.navigate", obj().put("context", context).put("url", url).put("wait", "complete"));
    }

    @Override
    public void reload() {
        command("browsingContext.reload", obj().put("context", context).put("wait", "complete"));
    }

    @Override
    public void back() {
        command("browsingContext.traverseHistory", obj().put("context", context).put("delta", -1));
    }

    @Override
    public String url() {
        return call("return location.href;").asText();
    }

    @Override
    public void click(String css) {
        ObjectNode origin = obj().put("type", "element");
        origin.set("element", obj().put("sharedId", element(css)));
        ObjectNode move = obj().put("type", "pointerMove").put("x", 0).put("y", 0);
        move.set("origin", origin);
        ObjectNode mouse = obj().put("type", "pointer").put("id", "mouse");
        mouse.set("parameters", obj().put("pointerType", "mouse"));
        mouse.set("actions", Http.JSON.createArrayNode().add(move)
                .add(obj().put("type", "pointerDown").put("button", 0))
                .add(obj().put("type", "pointerUp").put("button", 0)));
        perform(mouse);
    }

    @Override
    public void type(String css, String text) {
        click(css); // focus it the way a person does
        ArrayNode keys = Http.JSON.createArrayNode();
        text.codePoints().forEach(c -> {
            String key = c == '\n' ? "\uE007" : Character.toString(c); // a newline is the Enter key
            keys.add(obj().put("type", "keyDown").put("value", key));
            keys.add(obj().put("type", "keyUp").put("value", key));
        });
        ObjectNode keyboard = obj().put("type", "key").put("id", "keyboard");
        keyboard.set("actions", keys);
        perform(keyboard);
    }

    @Override
    public void clear(String css) {
        call("const e = document.querySelector(args[0]); e.value = '';"
                + " e.dispatchEvent(new Event('input', {bubbles: true}));", css);
    }

    @Override
    public JsonNode script(String body, Object... args) {
        return call(body, args);
    }

    @Override
    public byte[] screenshot() {
        String data = command("browsingContext.captureScreenshot", obj().put("context", context)).path("data").asText();
        return Base64.getDecoder().decode(data);
    }

    @Override
    public String name() {
        return "Firefox";
    }

    @Override
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    @Override
    public void close() {
        try {
            command("session.end", obj());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (AssertionError | InterruptedException | ExecutionException | TimeoutException e) {
            // Firefox is stopped below either way
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
