package dev.loci.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the console scenarios ({@link ConsoleScenarios}) need of a browser, so the same scenarios
 * run in Chromium (Selenium and chromedriver, {@link SeleniumBrowser}) and in Firefox (WebDriver
 * BiDi, {@link BidiFirefox}). Elements are named by CSS selector (the first match); clicks and
 * typing are real input events. Not thread-safe.
 */
interface ConsoleBrowser extends AutoCloseable {
    /** Loads the address and waits for the page's load event. */
    void open(String url);

    /** Reloads the page and waits for its load event. */
    void reload();

    /** Goes one page back in the tab's history. */
    void back();

    /** The page's address now. */
    String url();

    /** Clicks the middle of the element, scrolled into view. */
    void click(String css);

    /** Focuses the element with a click and types the text, key by key; {@code \n} presses Enter. */
    void type(String css, String text);

    /** Empties the input or text area (as a person selecting all and deleting would). */
    void clear(String css);

    /**
     * Runs {@code body}, the body of an async function whose string arguments are {@code args[0]},
     * {@code args[1]}..., in the page, and returns what it returns, as JSON (null for nothing).
     */
    JsonNode script(String body, Object... args);

    /** A PNG of the viewport. */
    byte[] screenshot();

    /** The browser's name, for messages and screenshot folders. */
    String name();

    /** The errors the page's scripts raised so far (uncaught exceptions, console errors), where the browser reports them. */
    List<String> pageErrors();

    @Override
    void close();
}
