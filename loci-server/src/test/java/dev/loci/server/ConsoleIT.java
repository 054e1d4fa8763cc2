package dev.loci.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.embedded.EmbeddedLoci;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The memory console in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromedriver}, installed by {@code scripts/install-browser}) driven by Selenium against a
 * real {@link LociServer} on a loopback port over the real embedded engine ({@code EmbeddedLoci}:
 * the ONNX model and the Lucene store in a temporary data directory), because what the page shows
 * for a search (the first result, the dense signal's bar) is only meaningful with the real model.
 * Each test looks at its own user, so they share one server and one browser. The scenarios every
 * browser must pass are {@link ConsoleScenarios}, which ConsoleFirefoxIT runs in Firefox too; the
 * rest are here. Screenshots go to {@code target/console-screenshots/}. Without the browser the
 * class fails, naming the script.
 */
class ConsoleIT extends ConsoleScenarioTests {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    static Path dir;
    private static LociServer server;
    private static ChromeDriver browser;
    private static String base;
    private static String writeKey;
    private static String adminKey;
    private static Http http;
    private static ConsoleScenarios scenarios;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "ConsoleIT needs Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                        + ": run scripts/install-browser (as root on Debian: apt-get install chromium chromium-driver)");
        ApiKeys keys = ApiKeys.open(dir);
        writeKey = keys.create("acme", Role.WRITE).token();
        adminKey = keys.create("acme", Role.ADMIN).token();
        server = LociServer.start(EmbeddedLoci.open(dir.resolve("data")),
                ServerOptions.defaults().withPort(0).withApiKeys(keys));
        base = "http://127.0.0.1:" + server.port();
        http = new Http(server.port(), writeKey);
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,860", "--force-device-scale-factor=1", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        scenarios = new ConsoleScenarios(new SeleniumBrowser(browser, "Chromium"), base, http, writeKey, SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void thePageLoadsWithoutAKeyUnderASelfOnlyPolicy() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (var asset : List.of(List.of("/console", "text/html"), List.of("/console/console.js", "text/javascript"),
                List.of("/console/console.css", "text/css"))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + asset.get(0))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), asset.get(0));
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith(asset.get(1)), asset.get(0));
            assertEquals(ConsoleAssets.CSP, r.headers().firstValue("Content-Security-Policy").orElseThrow());
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        }
        assertTrue(ConsoleAssets.CSP.contains("script-src 'self'") && !ConsoleAssets.CSP.contains("unsafe"));
        HttpResponse<Void> root = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(302, root.statusCode(), "the server's address opens the console");
        assertEquals("/console", root.headers().firstValue("Location").orElseThrow());
        assertEquals(401, new Http(server.port(), null).get("/v1/memories/count?userId=maya").status(),
                "the page is open, the API is not");
    }

    @Override
    protected ConsoleScenarios scenarios() {
        return scenarios;
    }

    @Test
    void contextPreviewAndHealthForAnAdminKey() throws IOException {
        remember("kim", "s1", "2024-02-01T08:", "My favourite tea is genmaicha.", "I run every Sunday morning.");
        logIn(adminKey, "kim");
        waitVisible("search-view");
        browser.findElement(By.cssSelector("#nav a[data-view=context]")).click();
        WebElement query = waitVisible("context-query");
        query.sendKeys("what tea does Kim like", Keys.ENTER);
        WebElement block = waitVisible("context-text");
        assertTrue(block.getText().contains("genmaicha"), block.getText());
        assertTrue(browser.findElement(By.id("context-tokens")).getText().matches("\\d+ of 500 tokens.*"));
        screenshot("context");
        browser.findElement(By.cssSelector("#nav a[data-view=health]")).click();
        WebElement stats = wait(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("table#stats")));
        assertTrue(stats.getText().contains("memories"), stats.getText());
    }

    @Test
    void purgeNeedsTheUserIdTypedOut() throws IOException {
        remember("pat", "s1", "2024-04-04T12:", "I collect vintage fountain pens.", "My cat is called Miso.");
        remember("quinn", "s1", "2024-04-04T12:", "I play the cello.");
        logIn(writeKey, "pat");
        waitVisible("search-view");
        browser.findElement(By.cssSelector("#nav a[data-view=health]")).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("table#counts")));
        WebElement button = browser.findElement(By.id("purge"));
        WebElement confirm = browser.findElement(By.id("purge-confirm"));
        confirm.sendKeys("pa");
        assertFalse(button.isEnabled(), "disabled until the user id is typed exactly");
        confirm.sendKeys("t");
        assertTrue(button.isEnabled());
        screenshot("purge");
        button.click();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Deleted all memories of pat"));
        assertEquals(0, http.get("/v1/memories/count?userId=pat").json().get("count").asLong());
        assertTrue(http.get("/v1/memories/count?userId=quinn").json().get("count").asLong() > 0, "only pat's");
    }

    @Test
    void browseListsAUsersMemoriesNewestFirstAPageAtATime() throws IOException {
        String[] early = new String[8];
        for (int i = 0; i < early.length; i++) {
            early[i] = "Morning note " + (i + 1) + " about the allotment.";
        }
        remember("rio", "s1", "2024-03-01T08:", early);
        remember("rio", "s2", "2024-03-09T20:", "Evening note 1 on the choir.", "Evening note 2 on the choir.",
                "Evening note 3 on the choir.", "Evening note 4 on the choir.");
        logIn(writeKey, "rio");
        waitVisible("search-view");
        browser.findElement(By.cssSelector("#nav a[data-view=browse]")).click();
        waitVisible("browse-form");
        browser.findElement(By.cssSelector("#browse-form button[type=submit]")).click();
        List<WebElement> rows = browsed(12);
        assertEquals("Evening note 4 on the choir.", rowText(rows.get(0)), "newest first");
        assertEquals("Morning note 1 about the allotment.", rowText(rows.get(11)));
        assertEquals("s2", rows.get(0).findElement(By.cssSelector("td.sess")).getText());
        assertFalse(browser.findElement(By.id("browse-older")).isEnabled(), "one page holds all twelve");

        new Select(browser.findElement(By.id("browse-limit"))).selectByVisibleText("10");
        browser.findElement(By.cssSelector("#browse-form button[type=submit]")).click();
        rows = browsed(10);
        assertEquals("Evening note 4 on the choir.", rowText(rows.get(0)));
        assertTrue(browser.findElement(By.id("browse-summary")).getText().contains("older ones follow"));
        assertFalse(browser.findElement(By.id("browse-newer")).isEnabled(), "nothing newer than the first page");
        browser.findElement(By.id("browse-older")).click();
        rows = browsed(2);
        assertEquals("Morning note 2 about the allotment.", rowText(rows.get(0)), "the page after the tenth");
        assertEquals("Morning note 1 about the allotment.", rowText(rows.get(1)));
        assertFalse(browser.findElement(By.id("browse-older")).isEnabled(), "the last page");
        assertTrue(browser.findElement(By.id("browse-summary")).getText().contains("no older ones"));
        browser.findElement(By.id("browse-newer")).click();
        rows = browsed(10);
        assertEquals("Evening note 4 on the choir.", rowText(rows.get(0)));

        browser.findElement(By.id("browse-older")).click();
        browsed(2);
        switchUser("nobody"); // another user's listing starts again at its newest page
        wait(ExpectedConditions.textToBe(By.id("browse-summary"), "No memories of nobody match."));
        assertFalse(browser.getCurrentUrl().contains("cursor="), browser.getCurrentUrl());
        assertFalse(browser.findElement(By.id("browse-list")).isDisplayed());
        switchUser("rio");
        rows = browsed(10);
        assertEquals("Evening note 4 on the choir.", rowText(rows.get(0)), "the page size stays");

        WebElement sessionBox = browser.findElement(By.id("browse-session"));
        sessionBox.sendKeys("s1");
        new Select(browser.findElement(By.id("browse-kind"))).selectByValue("TURN");
        browser.findElement(By.cssSelector("#browse-form button[type=submit]")).click();
        wait(d -> d.getCurrentUrl().contains("sessionId=s1"));
        rows = browsed(8);
        assertTrue(rows.stream().allMatch(r -> r.findElement(By.cssSelector("td.sess")).getText().equals("s1")),
                "only session s1");
        assertEquals("Morning note 8 about the allotment.", rowText(rows.get(0)));
        screenshot("browse");

        rows.get(2).findElement(By.cssSelector("a.text")).click();
        wait(ExpectedConditions.textToBe(By.id("memory-text"), "Morning note 6 about the allotment."));
        browser.navigate().back();
        rows = browsed(8);
        assertEquals("s1", browser.findElement(By.id("browse-session")).getAttribute("value"),
                "Back returns to the same filtered page");

        WebElement from = browser.findElement(By.id("browse-from"));
        ((JavascriptExecutor) browser).executeScript(
                "arguments[0].value = '2024-03-09'; document.getElementById('browse-to').value = '2024-03-01';", from);
        browser.findElement(By.cssSelector("#browse-form button[type=submit]")).click();
        WebElement error = waitVisible("browse-error");
        assertTrue(error.getText().contains("must be after"), error.getText());
        assertFalse(browser.findElement(By.id("browse-list")).isDisplayed(), "no rows under an error");
    }

    @Test
    void theUsersPageListsTheTenantsUsersAndOneOpensInBrowse() throws IOException {
        remember("users-uma", "s1", "2024-05-01T08:", "Uma planted tulips by the gate.", "Uma watered the tulips.");
        remember("users-vic", "s1", "2024-05-03T09:", "Vic bought a second-hand kayak.");
        logIn(writeKey, "rio");
        waitVisible("search-view");
        browser.findElement(By.cssSelector("#nav a[data-view=users]")).click();
        wait(d -> "false".equals(d.findElement(By.id("users-list")).getAttribute("aria-busy"))
                && !d.findElements(By.cssSelector("#users-list tr[data-user=users-vic]")).isEmpty());
        List<String> order = browser.findElements(By.cssSelector("#users-list tbody tr")).stream()
                .map(r -> r.getAttribute("data-user")).toList();
        assertTrue(order.indexOf("users-uma") >= 0 && order.indexOf("users-uma") + 1 == order.indexOf("users-vic"),
                "by id: " + order);
        WebElement uma = browser.findElement(By.cssSelector("#users-list tr[data-user=users-uma]"));
        assertEquals(http.get("/v1/memories/count?userId=users-uma").json().get("count").asText(),
                uma.findElement(By.cssSelector("td.total")).getText(), "the count the API gives");
        List<String> kinds = browser.findElements(By.cssSelector("#users-list thead th[data-kind]")).stream()
                .map(th -> th.getAttribute("data-kind")).toList();
        assertEquals("TURN", kinds.get(0), "a column per kind the page's users have, turns first: " + kinds);
        for (String kind : kinds) {
            assertEquals(http.get("/v1/memories/count?userId=users-uma&kind=" + kind).json().get("count").asText(),
                    uma.findElement(By.cssSelector("td.kind[data-kind=" + kind + "]")).getText(), kind);
        }
        assertEquals("2", uma.findElement(By.cssSelector("td.kind[data-kind=TURN]")).getText());
        assertEquals("2024-05-01 08:01:00 UTC", uma.findElement(By.cssSelector("td.when")).getText(),
                "when the newest memory happened");
        assertTrue(browser.findElement(By.id("users-summary")).getText().endsWith("users."),
                browser.findElement(By.id("users-summary")).getText());
        assertFalse(browser.findElement(By.id("users-next")).isEnabled(), "one page holds them all");
        screenshot("users");

        uma.findElement(By.cssSelector("a.user")).click();
        wait(d -> d.getCurrentUrl().endsWith("#/browse"));
        List<WebElement> rows = browsed(2);
        assertEquals("Uma watered the tulips.", rowText(rows.get(0)));
        assertEquals("users-uma", browser.findElement(By.id("user-id-current")).getAttribute("value"));
        assertEquals("users-uma", storage("loci.user"), "the views now look at that user");
    }

    @Test
    void theTimelineShowsSessionsWithTheirEpisodesAndAnEpisodeOpensItsTurns() throws Exception {
        // three turns at least in one remember call make an episode (ConsolidationConfig.minEpisodeTurns)
        remember("tess", "trip", "2024-07-01T09:", "We are flying to Oslo on Friday.",
                "The flight leaves at seven in the morning.", "I booked a hotel near the harbour.");
        remember("tess", "garden", "2024-08-12T17:", "The tomatoes finally turned red.",
                "I planted garlic in the back bed.", "The courgettes need picking every other day.");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (http.get("/v1/memories?userId=tess&kind=SESSION").json().get("memories").size() < 2) {
            assertTrue(System.nanoTime() < deadline, "the two session summaries are built in the background");
            Thread.sleep(200);
        }
        logIn(writeKey, "tess");
        waitVisible("search-view");
        browser.findElement(By.cssSelector("#nav a[data-view=timeline]")).click();
        wait(d -> d.findElements(By.cssSelector("#timeline-body li.session")).size() == 2);
        List<WebElement> sessions = browser.findElements(By.cssSelector("#timeline-body li.session"));
        assertEquals("garden", sessions.get(0).getAttribute("data-session"), "the newest session first");
        assertEquals("trip", sessions.get(1).getAttribute("data-session"));
        for (WebElement s : sessions) {
            assertFalse(s.findElement(By.cssSelector(".session-summary")).getText().isBlank(), "a session summary");
            assertFalse(s.findElements(By.cssSelector("li.episode")).isEmpty(), "at least one episode: " + s.getText());
        }
        WebElement episode = sessions.get(1).findElements(By.cssSelector("li.episode")).get(0);
        assertTrue(episode.getText().contains("Oslo") || episode.getText().contains("hotel")
                || episode.getText().contains("flight"), "the episode's summary: " + episode.getText());
        assertTrue(episode.getText().contains("2024-07-01"), episode.getText());
        screenshot("timeline");

        episode.findElement(By.cssSelector("a.text")).click();
        WebElement turns = wait(ExpectedConditions.visibilityOfElementLocated(By.id("children")));
        assertTrue(browser.findElement(By.id("children-title")).getText().startsWith("Turns in this episode"));
        List<WebElement> items = turns.findElements(By.tagName("li"));
        assertFalse(items.isEmpty());
        assertTrue(items.get(0).getText().contains("We are flying to Oslo on Friday."), turns.getText());
        assertTrue(turns.getText().contains("2024-07-01 09:00:00 UTC"), "oldest first, with times: " + turns.getText());
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(By.id("children-title")));
        screenshot("episode");
        items.get(0).findElement(By.tagName("a")).click();
        wait(ExpectedConditions.textToBe(By.id("memory-text"), "We are flying to Oslo on Friday."));
    }

    @Test
    void theHealthPageChartsTheServersMetricsWhileItIsOpen() throws Exception {
        remember("hal", "s1", "2024-09-01T10:", "I brew coffee with an AeroPress.");
        logIn(writeKey, "hal");
        waitVisible("search-view");
        browser.findElement(By.cssSelector("#nav a[data-view=health]")).click();
        wait(d -> samples(d, "chart-memories") >= 2);
        long before = Long.parseLong(chartValue("chart-memories", "memories"));
        assertTrue(before > 0, "the store holds the turns remembered so far: " + before);
        String disk = chartValue("chart-disk", "disk");
        var bytes = java.util.regex.Pattern.compile("(?m)^loci_store_disk_bytes (\\S+)$")
                .matcher(http.get("/metrics").body());
        assertTrue(bytes.find() && Double.parseDouble(bytes.group(1)) > 0, "the Lucene store takes some disk");
        assertTrue(disk.matches("\\d+(\\.\\d\\d)? MB"), "the store's size on disk, in MB: " + disk);

        remember("hal", "s1", "2024-09-01T11:", "I prefer light roasts.", "My grinder is a hand grinder.",
                "I drink two cups before noon.");
        assertEquals(200, http.post("/v1/memories/search", "{\"userId\":\"hal\",\"query\":\"coffee\"}").status());
        wait(d -> Long.parseLong(chartValue("chart-memories", "memories")) >= before + 3);
        wait(d -> !d.findElements(By.cssSelector("#chart-latency .series.s0")).isEmpty()); // the recall's median
        assertTrue(chartValue("chart-latency", "recallP50").matches("\\d+(\\.\\d)? ms"),
                chartValue("chart-latency", "recallP50"));
        wait(d -> { // the remember and search above, as /v1 requests per second in some interval
            String l = (String) ((JavascriptExecutor) d).executeScript(
                    "return document.querySelector('#chart-requests svg').getAttribute('aria-label')");
            var top = java.util.regex.Pattern.compile("up to ([0-9.]+) /s$").matcher(l);
            return top.find() && Double.parseDouble(top.group(1)) > 0;
        });
        JavascriptExecutor js = (JavascriptExecutor) browser; // one call each: the charts are redrawn every sample
        String label = (String) js.executeScript("return document.querySelector('#chart-memories svg').getAttribute('aria-label')");
        var said = java.util.regex.Pattern.compile("Memories stored \\(all tenants\\): latest memories (\\d+); "
                + "(\\d+) samples over \\d+ s, up to (\\d+)").matcher(label);
        assertTrue(said.matches(), "a text alternative with the figures: " + label);
        assertTrue(Long.parseLong(said.group(1)) >= before + 3 && Integer.parseInt(said.group(2)) >= 3
                && Long.parseLong(said.group(3)) >= Long.parseLong(said.group(1)), label);
        assertEquals(1L, js.executeScript("return document.querySelectorAll('#chart-memories polyline.series').length"),
                "one line once there are two samples");
        screenshot("health");

        // the median between two scrapes comes from the bucket counts that grew in between
        Object median = js.executeScript("const h = (a, b, c, d) => 'x_bucket{le=\"0.001\"} ' + a + '\\n'"
                + " + 'x_bucket{le=\"0.01\"} ' + b + '\\n' + 'x_bucket{le=\"0.1\"} ' + c + '\\n'"
                + " + 'x_bucket{le=\"+Inf\"} ' + d + '\\n';"
                + " return [medianBetween(parseMetrics(h(1, 1, 3, 3)), parseMetrics(h(1, 3, 7, 7)), 'x'),"
                + " medianBetween(parseMetrics(h(1, 1, 3, 3)), parseMetrics(h(1, 1, 3, 3)), 'x')];");
        assertEquals(List.of(10.0, "none"), ((List<?>) median).stream()
                .map(v -> v == null ? "none" : (Object) (Math.round(((Number) v).doubleValue() * 1000) / 1000.0)).toList(),
                "4 calls, 2 in (1, 10] ms and 2 in (10, 100] ms: the median is the top of the first; no calls: none");

        browser.findElement(By.cssSelector("#nav a[data-view=search]")).click();
        waitVisible("search-view");
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return sampler === null"),
                "sampling stops when the page is left");
    }

    // ---- helpers ----

    /** Remembers one turn a minute from {@code hourPrefix + "00:00Z"}. */
    private static void remember(String user, String session, String hourPrefix, String... texts) {
        scenarios.remember(user, session, hourPrefix, texts);
    }

    private static void logIn(String key, String user) {
        scenarios.logIn(key, user);
    }

    /** Waits until the browse list shows {@code n} rows and returns them. */
    private static List<WebElement> browsed(int n) {
        wait(d -> "false".equals(d.findElement(By.id("browse-list")).getAttribute("aria-busy"))
                && d.findElements(By.cssSelector("#browse-list tbody tr")).size() == n);
        return browser.findElements(By.cssSelector("#browse-list tbody tr"));
    }

    private static void switchUser(String user) {
        WebElement box = browser.findElement(By.id("user-id-current"));
        box.clear();
        box.sendKeys(user, Keys.ENTER);
    }

    private static String rowText(WebElement row) {
        return row.findElement(By.cssSelector("a.text")).getText();
    }

    private static int samples(org.openqa.selenium.WebDriver d, String chart) {
        List<WebElement> found = d.findElements(By.id(chart));
        return found.isEmpty() ? 0 : Integer.parseInt(found.get(0).getAttribute("data-samples"));
    }

    private static String chartValue(String chart, String series) {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.querySelector(arguments[0]).textContent",
                "#" + chart + " [data-series=" + series + "] .value");
    }

    private static String storage(String name) {
        return (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem(arguments[0])", name);
    }

    private static WebElement waitVisible(String id) {
        return wait(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private static <T> T wait(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
