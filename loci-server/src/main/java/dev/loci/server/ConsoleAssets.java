package dev.loci.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The memory console's static files (HTML, CSS, JS shipped in the jar under
 * {@code dev/loci/server/console/}), served at {@code /console} without a key: the page holds no
 * data, and every call it makes to {@code /v1} carries the key the user types in. Each response
 * carries a Content-Security-Policy that allows only this origin (no inline script or style, no
 * other host), so a memory's text can never run as code in the page. Immutable; thread-safe.
 */
final class ConsoleAssets {
    /** Only this origin, for scripts, styles, images and fetch; nothing may frame the page. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    private ConsoleAssets() {
    }

    /** Reads every asset from the jar once; fails at start-up if one is missing. */
    static ConsoleAssets load() {
        ConsoleAssets console = new ConsoleAssets();
        console.add("/console", "index.html", "text/html; charset=utf-8");
        console.add("/console/console.css", "console.css", "text/css; charset=utf-8");
        console.add("/console/console.js", "console.js", "text/javascript; charset=utf-8");
        return console;
    }

    /** The paths served, e.g. {@code /console/console.js}. */
    Set<String> paths() {
        return assets.keySet();
    }

    /** Answers a GET of {@code path}, one of {@link #paths()}. */
    void serve(Context ctx, String path) {
        Asset asset = assets.get(path);
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    private void add(String path, String resource, String contentType) {
        String name = "console/" + resource;
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            assets.put(path, new Asset(contentType, in.readAllBytes()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
