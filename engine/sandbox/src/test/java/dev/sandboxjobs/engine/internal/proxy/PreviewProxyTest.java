package dev.sandboxjobs.engine.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.interpreter.RuntimeContainer;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The preview proxy in front of real services in a container: Python's http.server on 8000, a
 * Node echo/SSE/WebSocket server on 8080. The sandbox registry is a hand-written fake over that
 * container (the SDK provides the real one).
 */
@RequiresDocker
class PreviewProxyTest {
    private static final String SANDBOX = "proxy-test-sandbox";
    private static RuntimeContainer container;
    private static PreviewProxy proxy;
    private static final Map<String, PreviewTarget> registry = new ConcurrentHashMap<>();
    private static final AtomicInteger wakes = new AtomicInteger();
    private static String token;
    private static volatile String address;
    private static int proxyPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void startServices() throws Exception {
        String servers;
        try (InputStream in = PreviewProxyTest.class.getResourceAsStream("/proxy/preview-servers.js")) {
            servers = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        container = RuntimeContainer.start("interp-preview-proxy", Map.of("SERVERS_JS", servers), "sh", "-c",
                "mkdir -p /tmp/www && echo hello-from-sandbox > /tmp/www/hello.txt"
                        + " && (python3 -m http.server 8000 --bind 0.0.0.0 --directory /tmp/www >/dev/null 2>&1 &)"
                        + " && exec node -e \"$SERVERS_JS\"");
        token = PreviewTokens.newToken();
        address = awaitListening(container.ipAddress(), 8000, 8080);
        registry.put(SANDBOX, new PreviewTarget(SANDBOX, token, PreviewTarget.State.RUNNING, address, Set.of(8000, 8080, 8999)));
        proxy = new PreviewProxy(PreviewOptions.defaults(), new PreviewTargets() {
            @Override
            public List<PreviewTarget> lookup(String hostLabel) {
                PreviewTarget target = registry.get(hostLabel);
                return target == null ? List.of() : List.of(target);
            }

            @Override
            public Optional<PreviewTarget> wake(String sandboxId) {
                wakes.incrementAndGet();
                container.docker().startContainerCmd(container.id()).exec();
                PreviewTarget old = registry.get(sandboxId);
                address = awaitListening(container.ipAddress(), 8000, 8080);
                PreviewTarget woken = new PreviewTarget(SANDBOX, old.token(), PreviewTarget.State.RUNNING, address, old.exposedPorts());
                registry.put(sandboxId, woken);
                return Optional.of(woken);
            }
        });
        proxyPort = proxy.start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
            proxy.close();
        }
        if (container != null) {
            container.close();
        }
    }

    @BeforeEach
    void sandboxIsRunningWithItsPortsExposed() {
        registry.computeIfPresent(SANDBOX, (id, t) -> new PreviewTarget(SANDBOX, token, PreviewTarget.State.RUNNING, address,
                Set.of(8000, 8080, 8999)));
    }

    private static String awaitListening(String address, int... ports) {
        for (int port : ports) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, port), 500);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("nothing listens on " + address + ":" + port, e);
                    }
                    sleep(100);
                }
            }
        }
        return address;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String host(int port, String sandbox, String tokenToUse) {
        return port + "-" + sandbox + "-" + tokenToUse + ".localhost:" + proxyPort;
    }

    private HttpRequest.Builder request(String hostHeader, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + path))
                .header("Host", hostHeader)
                .timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> get(String hostHeader, String path) throws Exception {
        return http.send(request(hostHeader, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aGetReachesPythonsHttpServerInTheSandbox() throws Exception {
        HttpResponse<String> response = get(host(8000, SANDBOX, token), "/hello.txt");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello-from-sandbox\n");
    }

    @Test
    void requestsOnOneClientFollowEachOtherAndEachIsAuthorised() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get(host(8000, SANDBOX, token), "/hello.txt").statusCode()).isEqualTo(200);
            assertThat(get(host(8000, SANDBOX, PreviewTokens.newToken()), "/hello.txt").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void everyMethodWithItsBodyAndHeadersPassesThroughBothWays() throws Exception {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            HttpResponse<String> response = http.send(request(host(8080, SANDBOX, token), "/echo?q=1")
                    .header("X-Test-Header", "value-" + method)
                    .method(method, HttpRequest.BodyPublishers.ofString("body of " + method))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Custom-Reply")).contains("yes");
            assertThat(response.body())
                    .contains("\"method\":\"" + method + "\"")
                    .contains("\"url\":\"/echo?q=1\"")
                    .contains("\"body\":\"body of " + method + "\"")
                    .contains("\"x-test-header\":\"value-" + method + "\"")
                    .contains("\"host\":\"localhost:8080\"")
                    .contains("\"x-forwarded-host\":\"" + host(8080, SANDBOX, token) + "\"");
        }
    }

    @Test
    void aLargeUploadStreamsThroughWhole() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024];
        Arrays.fill(body, (byte) 'x');

        HttpResponse<String> response = http.send(request(host(8080, SANDBOX, token), "/upload")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).contains("\"length\":" + body.length);
    }

    @Test
    void aWebSocketRoundTripGoesThroughTheProxy() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Host", host(8080, SANDBOX, token))
                .buildAsync(URI.create("ws://127.0.0.1:" + proxyPort + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            reply.complete(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                })
                .get(20, TimeUnit.SECONDS);

        socket.sendText("hello through the proxy", true).get(20, TimeUnit.SECONDS);
        assertThat(reply.get(20, TimeUnit.SECONDS)).isEqualTo("echo: hello through the proxy");

        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
        assertThat(closed.get(20, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void serverSentEventsArriveOneByOneWhileTheStreamIsOpen() throws Exception {
        HttpResponse<InputStream> stream = http.send(request(host(8080, SANDBOX, token), "/sse").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type")).contains("text/event-stream");
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));

        // the server sends each next event only when asked: a proxy that buffered the stream would never deliver event 1
        assertThat(nextData(events)).isEqualTo("data: event 1");
        assertThat(get(host(8080, SANDBOX, token), "/sse/next").statusCode()).isEqualTo(204);
        assertThat(nextData(events)).isEqualTo("data: event 2");
        assertThat(get(host(8080, SANDBOX, token), "/sse/next").statusCode()).isEqualTo(204);
        assertThat(nextData(events)).isEqualTo("data: event 3");
        assertThat(CompletableFuture.supplyAsync(() -> readLineUnchecked(events)).get(20, TimeUnit.SECONDS)).isEmpty();
    }

    private static String nextData(BufferedReader events) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            String line;
            while ((line = readLineUnchecked(events)) != null) {
                if (line.startsWith("data:")) {
                    return line;
                }
            }
            return null;
        }).get(20, TimeUnit.SECONDS);
    }

    private static String readLineUnchecked(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRequestWithoutTheRightTokenGets404() throws Exception {
        HttpResponse<String> wrongToken = get(host(8000, SANDBOX, PreviewTokens.newToken()), "/hello.txt");
        HttpResponse<String> noToken = get("8000-" + SANDBOX + ".localhost:" + proxyPort, "/hello.txt");
        HttpResponse<String> unknownSandbox = get(host(8000, "no-such-sandbox", token), "/hello.txt");

        for (HttpResponse<String> response : List.of(wrongToken, noToken, unknownSandbox)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).doesNotContain("hello-from-sandbox").doesNotContain(token);
        }
        assertThat(wrongToken.body()).isEqualTo(unknownSandbox.body());
        assertThat(wrongToken.headers().firstValue("X-Sandbox-Jobs-Error")).contains("NOT_FOUND");
    }

    @Test
    void aPortThatIsNotExposedGetsAClearError() throws Exception {
        HttpResponse<String> response = get(host(9000, SANDBOX, token), "/");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("X-Sandbox-Jobs-Error")).contains("PORT_NOT_EXPOSED");
        assertThat(response.body()).contains("Port 9000").contains("exposePort(9000)");
    }

    @Test
    void aServiceThatIsNotListeningGets502Quickly() throws Exception {
        HttpResponse<String> response = get(host(8999, SANDBOX, token), "/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("X-Sandbox-Jobs-Error")).contains("SERVICE_NOT_LISTENING");
        assertThat(response.body()).contains("Nothing is listening on port 8999").contains("0.0.0.0");
    }

    @Test
    void aDestroyedSandboxGets410() throws Exception {
        registry.computeIfPresent(SANDBOX, (id, t) -> new PreviewTarget(SANDBOX, token, PreviewTarget.State.GONE, null, t.exposedPorts()));

        HttpResponse<String> response = get(host(8000, SANDBOX, token), "/hello.txt");

        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(response.headers().firstValue("X-Sandbox-Jobs-Error")).contains("SANDBOX_DESTROYED");
        assertThat(response.body()).contains("destroyed");
    }

    @Test
    void aRequestWakesASleepingSandbox() throws Exception {
        container.docker().stopContainerCmd(container.id()).withTimeout(1).exec();
        registry.computeIfPresent(SANDBOX, (id, t) -> new PreviewTarget(SANDBOX, token, PreviewTarget.State.SLEEPING, null, t.exposedPorts()));
        int before = wakes.get();

        HttpResponse<String> response = get(host(8000, SANDBOX, token), "/hello.txt");

        assertThat(wakes.get()).isEqualTo(before + 1);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello-from-sandbox\n");
    }

    @Test
    void aHostThatIsNotAPreviewHostGets404WithDirections() throws Exception {
        HttpResponse<String> response = get("127.0.0.1:" + proxyPort, "/");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("not a preview URL").contains("exposePort");
    }

    @Test
    void oneClientConnectionCarriesManyRequestsEachAuthorisedOnItsOwn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxyPort)) {
            socket.setSoTimeout(20_000);
            String good = "GET /hello.txt HTTP/1.1\r\nHost: " + host(8000, SANDBOX, token) + "\r\n\r\n";
            String bad = "GET /hello.txt HTTP/1.1\r\nHost: " + host(8000, SANDBOX, PreviewTokens.newToken()) + "\r\n\r\n";
            socket.getOutputStream().write((good + bad + good).getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            String replies = readUntil(socket.getInputStream(), "hello-from-sandbox\n", 2);

            assertThat(replies).startsWith("HTTP/1.1 200");
            assertThat(replies.split("HTTP/1.1 ", -1)).hasSize(4);
            assertThat(replies).contains("HTTP/1.1 404").doesNotContain("Connection: close");
        }
    }

    private static String readUntil(InputStream in, String marker, int times) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            if (text.toString().split(java.util.regex.Pattern.quote(marker), -1).length > times) {
                break;
            }
        }
        return text.toString();
    }

    @Test
    void aWebSocketToAPortWhereNothingListensGets502() throws Exception {
        CompletableFuture<WebSocket> socket = http.newWebSocketBuilder()
                .header("Host", host(8999, SANDBOX, token))
                .buildAsync(URI.create("ws://127.0.0.1:" + proxyPort + "/ws"), new WebSocket.Listener() {});

        assertThat(socket).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
                .havingRootCause().withMessageContaining("502");
    }
}
