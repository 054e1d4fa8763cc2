package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The console scenarios every browser must pass (issue 17's list): a wrong key refused; log in,
 * search and see the expected memory first, open it, update it and see its history; forget it
 * (after a confirmation) and see it gone from search; the profile after a contradiction. Written
 * once against {@link ConsoleBrowser}, run by ConsoleIT in Chromium and by ConsoleFirefoxIT in
 * Firefox, each against a real server over the real embedded engine. Reads the page with small
 * scripts ({@code innerText}, computed visibility) and acts with real clicks and keys. Screenshots
 * go to the folder given.
 */
final class ConsoleScenarios {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final ConsoleBrowser browser;
    private final String base;
    private final Http http;
    private final String writeKey;
    private final Path screenshots;

    ConsoleScenarios(ConsoleBrowser browser, String base, Http http, String writeKey, Path screenshots)
            throws IOException {
        this.browser = browser;
        this.base = base;
        this.http = http;
        this.writeKey = writeKey;
        this.screenshots = Files.createDirectories(screenshots);
    }

    // ---- the scenarios ----

    void aWrongKeyIsRefusedWithTheServersProblemDetail() throws IOException {
        logIn("loci_nosuchkey_0000000000000000", "maya");
        waitVisible("#login-error");
        String error = text("#login-error");
        assertTrue(error.contains("Unauthorized (401)"), error);
        assertTrue(error.contains("the API key is not valid"), error);
        assertTrue(visible("#login-view"), "still on the log-in form");
        assertFalse(visible("#nav"), "no views before logging in");
        assertFalse(visible("#user-form"));
        assertTrue(browser.script("return sessionStorage.getItem('loci.key');").isNull(), "a refused key is not kept");
        screenshot("wrong-key");
    }

    void logInSearchOpenAMemoryUpdateItAndSeeItsHistory() throws IOException {
        remember("maya", "s1", "2024-03-02T18:", "We adopted a greyhound and called her Biscuit.",
                "I'm seriously allergic to peanuts.", "My sister Ana is visiting from Lisbon next week.",
                "Work has been busy: the quarterly report is due on Friday.");
        logIn(writeKey, "maya");
        waitVisible("#search-view");
        assertEquals(writeKey, browser.script("return sessionStorage.getItem('loci.key');").asText(),
                "the key is kept in sessionStorage");
        assertEquals(0, browser.script("return localStorage.length;").asInt(), "and nowhere else");

        List<String> results = search("What is the dog called?");
        assertTrue(results.get(0).contains("Biscuit"), results.get(0));
        assertTrue(text("#results li .signals").contains("dense"), "a bar per signal: " + results.get(0));
        assertTrue(count("#results li:first-child .bar") > 0, "the first result's bars");
        screenshot("search");

        browser.click("#results li:first-child a.text");
        waitText("#memory-text", "We adopted a greyhound and called her Biscuit.");
        browser.clear("#update-text");
        browser.type("#update-text", "We adopted a whippet and called her Biscuit.");
        browser.click("#update-form button[type=submit]");
        waitText("#memory-text", "We adopted a whippet and called her Biscuit.");
        List<String> versions = texts("#history li");
        assertEquals(2, versions.size(), text("#history"));
        assertTrue(versions.get(0).contains("greyhound"), versions.get(0));
        assertTrue(versions.get(1).contains("whippet") && versions.get(1).contains("now"), versions.get(1));
        screenshot("memory");
    }

    void forgettingAMemoryAsksFirstThenSearchNoLongerFindsIt() throws IOException {
        remember("sam", "s1", "2024-05-10T09:", "I'm allergic to shellfish, especially shrimp.",
                "The garden needs watering twice a week in summer.", "We are planning a trip to Kyoto in April.");
        logIn(writeKey, "sam");
        List<String> results = search("shellfish allergy");
        assertTrue(results.get(0).contains("shellfish"), results.get(0));
        String id = browser.script("return document.querySelector('#results li').dataset.id;").asText();
        browser.click("#results li:first-child a.text");
        waitUntil("the memory opened", () -> String.valueOf(textOrNull("#memory-text")).contains("shellfish"));

        browser.click("#forget");
        waitVisible("#forget-dialog");
        assertTrue(text("#forget-dialog").contains("episode summary is rebuilt"), text("#forget-dialog"));
        screenshot("forget-dialog");
        browser.click("#forget-cancel");
        waitUntil("the dialog closed", () -> !visible("#forget-dialog"));
        assertEquals(200, http.get("/v1/memories/" + id + "?userId=sam").status(), "cancel keeps it");

        browser.click("#forget");
        waitVisible("#forget-dialog");
        browser.click("#forget-confirm");
        waitUntil("the status says so", () -> String.valueOf(textOrNull("#status")).contains("Forgotten"));
        waitVisible("#search-view");
        waitUntil("the search shown again without it", () -> {
            JsonNode ids = browser.script("return [...document.querySelectorAll('#results li')].map(li => li.dataset.id);");
            if (ids.isEmpty()) {
                return false;
            }
            for (JsonNode shown : ids) {
                if (shown.asText().equals(id)) {
                    return false;
                }
            }
            return true;
        });
        assertTrue(texts("#results li").stream().noneMatch(t -> t.contains("shellfish")),
                "the search shown again no longer finds it");
        assertEquals(404, http.get("/v1/memories/" + id + "?userId=sam").status());
    }

    void theProfileShowsTheCurrentFactAndTheOneItSuperseded() throws IOException {
        remember("lee", "s1", "2024-01-15T10:", "I live in Boston.");
        remember("lee", "s2", "2024-06-20T10:", "I moved to Denver last month.");
        logIn(writeKey, "lee");
        waitVisible("#search-view");
        browser.click("#nav a[data-view=profile]");
        waitVisible("table#current-facts");
        String current = text("#current-facts");
        String superseded = text("#superseded-facts");
        assertTrue(current.contains("Denver"), current);
        assertFalse(current.contains("Boston"), current);
        assertTrue(superseded.contains("Boston"), superseded);
        assertTrue(superseded.contains("Denver"), "says what replaced it: " + superseded);
        screenshot("profile");

        browser.click("#current-facts .ids a"); // the turn the current fact was read from
        waitText("#memory-text", "I moved to Denver last month.");
    }

    // ---- steps ----

    /** Remembers one turn a minute from {@code hourPrefix + "00:00Z"}. */
    void remember(String user, String session, String hourPrefix, String... texts) {
        StringBuilder messages = new StringBuilder();
        for (int i = 0; i < texts.length; i++) {
            messages.append(i == 0 ? "" : ",").append(String.format(
                    "{\"role\":\"user\",\"speaker\":%s,\"text\":%s,\"timestamp\":\"%s%02d:00Z\"}",
                    TestServers.q(user), TestServers.q(texts[i]), hourPrefix, i));
        }
        var r = http.post("/v1/memories", "{\"userId\":" + TestServers.q(user) + ",\"sessionId\":"
                + TestServers.q(session) + ",\"messages\":[" + messages + "]}");
        assertEquals(201, r.status(), r.body());
    }

    /** Opens the console afresh (nothing kept from before) and submits the log-in form. */
    void logIn(String key, String user) {
        browser.open(base + "/console");
        browser.script("sessionStorage.clear(); location.hash = '';");
        browser.reload();
        waitVisible("#api-key");
        browser.type("#api-key", key);
        browser.clear("#user-id");
        browser.type("#user-id", user);
        browser.click("#login-form button[type=submit]");
    }

    /** Searches with the query box (Enter) and returns the results' texts once they are shown. */
    List<String> search(String query) {
        waitVisible("#query");
        browser.clear("#query");
        browser.type("#query", query + "\n");
        waitUntil("results for " + query, () -> "false".equals(attribute("#results", "aria-busy"))
                && count("#results li") > 0);
        return texts("#results li");
    }

    String text(String css) {
        JsonNode t = browser.script("const e = document.querySelector(args[0]); return e ? e.innerText : null;", css);
        if (t.isNull()) {
            throw new AssertionError("no element matches " + css + " in " + browser.name());
        }
        return t.asText().strip();
    }

    List<String> texts(String css) {
        List<String> out = new ArrayList<>();
        browser.script("return [...document.querySelectorAll(args[0])].map(e => e.innerText);", css)
                .forEach(t -> out.add(t.asText().strip()));
        return out;
    }

    int count(String css) {
        return browser.script("return document.querySelectorAll(args[0]).length;", css).asInt();
    }

    String attribute(String css, String name) {
        JsonNode v = browser.script("const e = document.querySelector(args[0]);"
                + " return e ? e.getAttribute(args[1]) : null;", css, name);
        return v.isNull() ? null : v.asText();
    }

    /** Whether the element is rendered with a size and not hidden (as a person could see it). */
    boolean visible(String css) {
        return browser.script("const e = document.querySelector(args[0]); if (!e) return false;"
                + " const s = getComputedStyle(e);"
                + " return e.getClientRects().length > 0 && s.visibility !== 'hidden' && s.display !== 'none';", css)
                .asBoolean();
    }

    void waitVisible(String css) {
        waitUntil(css + " visible", () -> visible(css));
    }

    void waitText(String css, String expected) {
        waitUntil(css + " reads \"" + expected + "\"", () -> expected.equals(textOrNull(css)));
    }

    private String textOrNull(String css) {
        JsonNode t = browser.script("const e = document.querySelector(args[0]); return e ? e.innerText : null;", css);
        return t.isNull() ? null : t.asText().strip();
    }

    /** Polls the condition until it holds or {@link #PATIENCE} runs out (then fails, naming it). */
    void waitUntil(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!Boolean.TRUE.equals(condition.get())) {
            if (System.nanoTime() > deadline) {
                List<String> errors = browser.pageErrors();
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s in " + browser.name() + " for " + what
                        + " (at " + browser.url() + ")" + (errors.isEmpty() ? "" : "; the page's errors: " + errors));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    void screenshot(String name) throws IOException {
        Files.write(screenshots.resolve(name + ".png"), browser.screenshot());
    }
}
