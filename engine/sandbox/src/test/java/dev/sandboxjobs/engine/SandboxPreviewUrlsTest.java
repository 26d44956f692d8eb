package dev.sandboxjobs.engine;

import static dev.sandboxjobs.engine.testing.PreviewRequests.awaitStatus;
import static dev.sandboxjobs.engine.testing.PreviewRequests.get;
import static dev.sandboxjobs.engine.testing.PreviewRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preview URLs through the public API: Python's http.server on 8000 and a Node echo, SSE and
 * WebSocket server on 8080 inside one sandbox, reached through the engine's proxy.
 */
@RequiresDocker
class SandboxPreviewUrlsTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static ExposedPort web;
    static ExposedPort node;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        engine = engine(dir);
        sandbox = engine.getSandbox("preview-api", SandboxOptions.builder().keepAlive(true).build());
        String servers;
        try (InputStream in = SandboxPreviewUrlsTest.class.getResourceAsStream("/proxy/preview-servers.js")) {
            servers = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        sandbox.writeFile("/workspace/servers.js", servers);
        sandbox.mkdir("/workspace/www", true);
        sandbox.writeFile("/workspace/www/hello.txt", "hello-from-sandbox\n");
        sandbox.startProcess("python3 -m http.server 8000 --bind 0.0.0.0 --directory /workspace/www");
        sandbox.startProcess("node /workspace/servers.js");
        web = sandbox.exposePort(8000, "web");
        node = sandbox.exposePort(8080);
        awaitStatus(web, "/hello.txt", 200);
        awaitStatus(node, "/", 200);
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (engine != null) {
            engine.close();
        }
    }

    static SandboxEngine engine(Path directory) {
        return TestEngines.builder(directory).image(RuntimeImageForTests.image())
                .maintenanceInterval(Duration.ofMillis(500)).prewarmInterpreters().build();
    }

    static void assertCode(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(code));
    }

    static String tokenOf(String url) {
        String label = URI.create(url).getHost().split("\\.")[0];
        return label.substring(label.lastIndexOf('-') + 1);
    }

    @Test
    void exposedPortsAreListedWithTheirUrlsInTheOrderExposed() {
        assertThat(sandbox.getExposedPorts()).extracting(ExposedPort::port).containsExactly(8000, 8080);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.exposedAt()).startsWith("http://8000-preview-api-").contains(".localhost:");
        assertThat(tokenOf(web.exposedAt())).hasSize(26).isEqualTo(tokenOf(node.exposedAt()));
        assertThat(sandbox.exposePort(8000, "web").exposedAt()).isEqualTo(web.exposedAt());
    }

    @Test
    void aGetAndAPostReachTheServicesInTheSandbox() throws Exception {
        HttpResponse<String> file = get(web.exposedAt(), "/hello.txt");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("hello-from-sandbox\n");

        HttpResponse<String> post = http.send(request(node.exposedAt(), "/submit")
                .POST(HttpRequest.BodyPublishers.ofString("name=sandbox")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("\"method\":\"POST\"").contains("\"body\":\"name=sandbox\"");
    }

    @Test
    void aWebSocketMessageMakesTheRoundTrip() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        URI uri = URI.create(node.exposedAt());
        WebSocket socket = http.newWebSocketBuilder()
                .header("Host", uri.getHost() + ":" + uri.getPort())
                .buildAsync(URI.create("ws://127.0.0.1:" + uri.getPort() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);

        socket.sendText("ping from the test", true).get(20, TimeUnit.SECONDS);

        assertThat(reply.get(20, TimeUnit.SECONDS)).isEqualTo("echo: ping from the test");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
    }

    @Test
    void serverSentEventsArriveOneByOne() throws Exception {
        HttpResponse<InputStream> stream = http.send(request(node.exposedAt(), "/sse").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));

        // the service sends its next event only when /sse/next is called: a buffering proxy would hang here
        assertThat(nextData(events)).isEqualTo("data: event 1");
        assertThat(get(node.exposedAt(), "/sse/next").statusCode()).isEqualTo(204);
        assertThat(nextData(events)).isEqualTo("data: event 2");
        assertThat(get(node.exposedAt(), "/sse/next").statusCode()).isEqualTo(204);
        assertThat(nextData(events)).isEqualTo("data: event 3");
    }

    static String nextData(BufferedReader events) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = events.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(20, TimeUnit.SECONDS);
    }

    @Test
    void aRequestWithoutTheTokenIsRejected() throws Exception {
        String withoutToken = web.exposedAt().replace("-" + tokenOf(web.exposedAt()), "");
        String wrongToken = web.exposedAt().replace(tokenOf(web.exposedAt()), "a".repeat(26));

        assertThat(get(withoutToken, "/hello.txt").statusCode()).isEqualTo(404);
        assertThat(get(wrongToken, "/hello.txt").statusCode()).isEqualTo(404);
        assertThat(get(wrongToken, "/hello.txt").body()).doesNotContain("hello-from-sandbox");
    }

    @Test
    void anUnexposedPortGivesAClearErrorBothInTheApiAndThroughTheProxy() throws Exception {
        assertCode(ErrorCode.PORT_NOT_EXPOSED, () -> sandbox.unexposePort(9999));

        String unexposed = web.exposedAt().replaceFirst("//8000-", "//9999-");
        HttpResponse<String> response = get(unexposed, "/");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("X-Sandbox-Jobs-Error")).contains("PORT_NOT_EXPOSED");

        ExposedPort temporary = sandbox.exposePort(8001);
        sandbox.unexposePort(8001);
        assertThat(get(temporary.exposedAt(), "/").headers().firstValue("X-Sandbox-Jobs-Error")).contains("PORT_NOT_EXPOSED");
        assertThat(sandbox.getExposedPorts()).extracting(ExposedPort::port).doesNotContain(8001);
    }

    @Test
    void theProxyStartsWithTheEngineWhenConfiguredAndOnlyThen(@TempDir Path own) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (SandboxEngine configured = TestEngines.builder(own).image(RuntimeImageForTests.image())
                .preview(new PreviewOptions("127.0.0.1", port, null)).prewarmInterpreters().build()) {
            HttpResponse<String> response = get("http://unknown.localhost:" + port, "/");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("X-Sandbox-Jobs-Error")).contains("NOT_FOUND");
            assertThat(configured.startPreviewProxy()).isEqualTo(port);
        }
        try (SandboxEngine lazy = engine(own.resolve("lazy"))) {
            assertThatThrownBy(() -> get("http://unknown.localhost:" + port, "/")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aSandboxWithoutNetworkRefusesToExposeAPort() {
        Sandbox offline = engine.getSandbox("preview-offline", SandboxOptions.builder().network(NetworkMode.NONE).build());
        try {
            assertCode(ErrorCode.NETWORK_DISABLED, () -> offline.exposePort(8000));
            assertThat(offline.getExposedPorts()).isEmpty();
        } finally {
            offline.destroy();
        }
    }

    @Test
    void exposedPortsSurviveAnEngineRestartOnTheSameDatabaseAndAreForgottenOnDestroy(@TempDir Path own) throws Exception {
        String url;
        try (SandboxEngine first = engine(own)) {
            Sandbox sb = first.getSandbox("preview-restart", SandboxOptions.builder().keepAlive(true).build());
            sb.mkdir("/workspace/www", true);
            sb.writeFile("/workspace/www/index.html", "served after restart");
            sb.startProcess("python3 -m http.server 8000 --bind 0.0.0.0 --directory /workspace/www");
            url = sb.exposePort(8000, "site").exposedAt();
        }
        try (SandboxEngine second = engine(own)) {
            Sandbox sb = second.findSandbox("preview-restart").orElseThrow();
            assertThat(sb.getExposedPorts()).singleElement().satisfies(p -> {
                assertThat(p.port()).isEqualTo(8000);
                assertThat(p.name()).isEqualTo("site");
                assertThat(tokenOf(p.exposedAt())).isEqualTo(tokenOf(url));
            });
            ExposedPort restored = sb.getExposedPorts().get(0);
            awaitStatus(restored, "/index.html", 200);
            assertThat(get(restored.exposedAt(), "/index.html").body()).isEqualTo("served after restart");

            sb.destroy();
            assertThat(get(restored.exposedAt(), "/").statusCode()).isEqualTo(410);
        }
        try (SandboxEngine third = engine(own)) {
            Sandbox again = third.getSandbox("preview-restart");
            try {
                assertThat(again.getExposedPorts()).isEmpty();
            } finally {
                again.destroy();
            }
        }
    }

    @Test
    void aRequestWakesASleepingSandbox() throws Exception {
        Sandbox sleepy = engine.getSandbox("preview-sleepy", SandboxOptions.builder().sleepAfter(Duration.ofSeconds(1)).build());
        try {
            sleepy.mkdir("/workspace/www", true);
            sleepy.writeFile("/workspace/www/index.html", "awake again");
            ExposedPort port = sleepy.exposePort(8000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sleepy.info().status() != SandboxStatus.SLEEPING && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(sleepy.info().status()).isEqualTo(SandboxStatus.SLEEPING);
            // background processes do not survive sleep, so the woken container answers "not listening"
            // until the service is started again; what matters is that the request woke it
            HttpResponse<String> first = get(port.exposedAt(), "/index.html");
            assertThat(first.headers().firstValue("X-Sandbox-Jobs-Error")).contains("SERVICE_NOT_LISTENING");
            assertThat(sleepy.info().status()).isEqualTo(SandboxStatus.RUNNING);

            sleepy.startProcess("python3 -m http.server 8000 --bind 0.0.0.0 --directory /workspace/www");
            awaitStatus(port, "/index.html", 200);
            assertThat(get(port.exposedAt(), "/index.html").body()).isEqualTo("awake again");
        } finally {
            sleepy.destroy();
        }
    }
}
