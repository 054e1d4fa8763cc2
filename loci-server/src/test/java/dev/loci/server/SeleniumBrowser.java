package dev.loci.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.remote.RemoteWebDriver;

/** {@link ConsoleBrowser} over a Selenium driver (ConsoleIT's Chromium); closing it leaves the driver open. */
final class SeleniumBrowser implements ConsoleBrowser {
    private final RemoteWebDriver driver;
    private final String name;

    SeleniumBrowser(RemoteWebDriver driver, String name) {
        this.driver = driver;
        this.name = name;
    }

    private WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    @Override
    public void open(String url) {
        driver.get(url);
    }

    @Override
    public void reload() {
        driver.navigate().refresh();
    }

    @Override
    public void back() {
        driver.navigate().back();
    }

    @Override
    public String url() {
        return driver.getCurrentUrl();
    }

    @Override
    public void click(String css) {
        find(css).click();
    }

    @Override
    public void type(String css, String text) {
        find(css).sendKeys(text.replace("\n", Keys.ENTER));
    }

    @Override
    public void clear(String css) {
        find(css).clear();
    }

    @Override
    public JsonNode script(String body, Object... args) {
        // A script's promise is awaited by WebDriver's Execute Script.
        Object json = ((JavascriptExecutor) driver).executeScript("const args = Array.from(arguments);"
                + " return (async () => { const v = await (async () => { " + body + " })();"
                + " return JSON.stringify(v === undefined ? null : v); })();", (Object[]) strings(args));
        try {
            return Http.JSON.readTree((String) json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] strings(Object[] args) {
        String[] out = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = String.valueOf(args[i]);
        }
        return out;
    }

    @Override
    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public String name() {
        return name;
    }

    /** Not collected: ChromeDriver's logs would need a logging preference set up front. */
    @Override
    public List<String> pageErrors() {
        return List.of();
    }

    @Override
    public void close() {
        // the driver belongs to the test class that made it
    }
}
