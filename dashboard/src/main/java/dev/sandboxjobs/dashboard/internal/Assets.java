package dev.sandboxjobs.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The pages' files, hand-written and shipped in the jar (no build step, nothing fetched at run
 * time): one HTML shell for every page, a style sheet and a script.
 */
final class Assets {
    static final String BASE = "/dev/sandboxjobs/dashboard/assets/";
    static final List<String> FILES = List.of("index.html", "app.css", "app.js", "favicon.svg");

    private record Asset(byte[] bytes, String type) {}

    private final Map<String, Asset> assets = new HashMap<>();

    Assets() {
        for (String name : FILES) {
            try (InputStream in = Assets.class.getResourceAsStream(BASE + name)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard's " + name + " is missing from the jar");
                }
                assets.put(name, new Asset(in.readAllBytes(), type(name)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "image/svg+xml";
    }

    /** Writes an asset; false when there is none of that name. */
    boolean send(String name, Response response, Callback callback) {
        Asset asset = assets.get(name);
        if (asset == null) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.type());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
        response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        return true;
    }
}
