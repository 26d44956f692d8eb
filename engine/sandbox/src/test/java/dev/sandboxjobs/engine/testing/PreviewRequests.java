package dev.sandboxjobs.engine.testing;

import dev.sandboxjobs.engine.ExposedPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** HTTP requests to preview URLs from tests, through the preview proxy on the loopback address. */
public final class PreviewRequests {
    private PreviewRequests() {
    }

    /** The JDK's resolver may not resolve *.localhost: send to 127.0.0.1 with the preview host in Host. */
    public static HttpRequest.Builder request(String url, String path) {
        URI uri = URI.create(url);
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + path))
                .header("Host", uri.getHost() + ":" + uri.getPort())
                .timeout(Duration.ofSeconds(30));
    }

    public static HttpResponse<String> get(String url, String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request(url, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code path} on the port's preview URL until it answers {@code status} (30 s at most). */
    public static void awaitStatus(ExposedPort port, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = get(port.exposedAt(), path).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + status + " from " + port + path + ", last got " + last);
    }
}
