package dev.sandboxjobs.engine.internal.docker;

import static dev.sandboxjobs.engine.testing.PreviewRequests.awaitStatus;
import static dev.sandboxjobs.engine.testing.PreviewRequests.get;
import static dev.sandboxjobs.engine.testing.PreviewRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preview URLs with {@link PreviewOptions.Upstream#DOCKER_EXEC}: every proxied connection is a
 * Docker exec in the sandbox relaying to the port, as for a remote Docker host or Docker Desktop.
 * A service bound to the container's loopback only proves that the container IP is not used.
 */
@RequiresDocker
class SandboxPreviewThroughDockerExecTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static ExposedPort web;
    static ExposedPort node;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).maintenanceInterval(Duration.ofMillis(500))
                .prewarmInterpreters().previewUpstream(PreviewOptions.Upstream.DOCKER_EXEC).build();
        sandbox = engine.getSandbox("preview-exec", SandboxOptions.builder().keepAlive(true).build());
        String servers;
        try (InputStream in = SandboxPreviewThroughDockerExecTest.class.getResourceAsStream("/proxy/preview-servers.js")) {
            servers = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        sandbox.writeFile("/workspace/servers.js", servers);
        sandbox.mkdir("/workspace/www", true);
        sandbox.writeFile("/workspace/www/hello.txt", "hello-through-docker\n");
        // 8 MiB of pseudo-random bytes
        sandbox.exec("head -c 8388608 /dev/urandom > /workspace/www/big.bin");
        // loopback only: unreachable at the container IP, reachable through the exec tunnel
        sandbox.startProcess("python3 -m http.server 8000 --bind 127.0.0.1 --directory /workspace/www");
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

    @Test
    void aGetReachesAServiceThatListensOnTheContainersLoopbackOnly() throws Exception {
        for (int i = 0; i < 3; i++) { // kept-alive and fresh tunnels alike
            HttpResponse<String> file = get(web.exposedAt(), "/hello.txt");
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo("hello-through-docker\n");
        }
    }

    @Test
    void aPostBodyMakesTheRoundTrip() throws Exception {
        HttpResponse<String> post = http.send(request(node.exposedAt(), "/submit")
                .POST(HttpRequest.BodyPublishers.ofString("name=tunnel")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("\"method\":\"POST\"").contains("\"body\":\"name=tunnel\"")
                .contains("\"host\":\"localhost:8080\"");
    }

    @Test
    void aLargeResponseArrivesWhole() throws Exception {
        String expected = sandbox.exec("sha256sum /workspace/www/big.bin").stdout().split(" ")[0];
        HttpResponse<byte[]> big = http.send(request(web.exposedAt(), "/big.bin").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(big.statusCode()).isEqualTo(200);
        assertThat(big.body()).hasSize(8 * 1024 * 1024);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big.body()))).isEqualTo(expected);
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
        socket.sendText("ping through docker", true).get(20, TimeUnit.SECONDS);
        assertThat(reply.get(20, TimeUnit.SECONDS)).isEqualTo("echo: ping through docker");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
    }

    @Test
    void aPortWhereNothingListensGivesTheProxysOwnError() throws Exception {
        ExposedPort idle = sandbox.exposePort(9099);
        try {
            HttpResponse<String> response = get(idle.exposedAt(), "/");
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("X-Sandbox-Jobs-Error")).hasValue("SERVICE_NOT_LISTENING");
        } finally {
            sandbox.unexposePort(9099);
        }
    }

    /** A one-connection-at-a-time HTTP server in Perl, for images without Python or Node. */
    static final String PERL_SERVER = "perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1\","
            + " LocalPort => 8000, Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {"
            + " while (<$c>) { last if /^\\r?$/ } print $c \"HTTP/1.0 200 OK\\r\\nContent-Length: 7\\r\\n\\r\\nno-net\\n\";"
            + " close $c }'";

    @Test
    void aSandboxWithoutNetworkAndWithoutPythonIsPreviewedThroughDocker() throws Exception {
        // the Debian base image has perl and bash but no python3: the perl relay serves
        Sandbox offline = engine.getSandbox("preview-exec-offline", SandboxOptions.builder()
                .image("sandbox-jobs/debian-base:trixie").network(NetworkMode.NONE).build());
        try {
            assertThat(offline.exec("command -v python3").exitCode()).isNotZero();
            offline.startProcess(PERL_SERVER);
            ExposedPort port = offline.exposePort(8000);
            awaitStatus(port, "/", 200);
            assertThat(get(port.exposedAt(), "/").body()).isEqualTo("no-net\n");
        } finally {
            offline.destroy();
        }
    }

    @Test
    void perlAndBashRelayWhenTheImageHasNoPython() throws Exception {
        DockerClients.Connected docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST")));
        try {
            Containers containers = new Containers(docker.client(), docker.host(), docker.apiVersion());
            ExecSockets sockets = ExecSockets.forHost(docker.host(), docker.apiVersion(), null);
            String containerId = engine.listSandboxes().stream().filter(s -> s.id().equals("preview-exec"))
                    .map(SandboxInfo::containerId).findFirst().orElseThrow();
            for (Relays.Relay relay : List.of(Relays.Relay.PYTHON3, Relays.Relay.PERL, Relays.Relay.BASH)) {
                ExecPortTunnel tunnels = new ExecPortTunnel(containers, sockets, id -> Optional.of(containerId), List.of(relay));
                try (ExecPortTunnel.ExecTunnel tunnel = tunnels.open("preview-exec", 8000)) {
                    assertThat(tunnel.relay()).isEqualTo(relay.name().toLowerCase(java.util.Locale.ROOT));
                    tunnel.output().write("GET /hello.txt HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    tunnel.output().flush();
                    String answer = new String(tunnel.input().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(answer).as(relay.name()).startsWith("HTTP/1.0 200").endsWith("hello-through-docker\n");
                }
                try {
                    tunnels.open("preview-exec", 9098).close();
                    throw new AssertionError(relay + " connected to a port where nothing listens");
                } catch (java.net.ConnectException expected) {
                    assertThat(expected).hasMessageContaining("9098");
                }
            }
        } finally {
            docker.client().close();
        }
    }
}
