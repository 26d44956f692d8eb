package dev.sandboxjobs.engine.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.SandboxException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry behind exposePort with a real proxy in front of real local HTTP servers (one per
 * "sandbox", told apart by the path they answer with); the sandboxes' states are a fake.
 */
class PreviewRegistryTest {
    private final Map<String, PreviewRegistry.Status> states = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PreviewProxy proxy;
    private PreviewRegistry registry;
    private HttpServer upstream;
    private int upstreamPort;

    @BeforeEach
    void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("served " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        upstreamPort = upstream.getAddress().getPort();
        registry = new PreviewRegistry(PreviewOptions.defaults(), new PreviewRegistry.Sandboxes() {
            @Override
            public Optional<PreviewRegistry.Status> status(String sandboxId) {
                return Optional.ofNullable(states.get(sandboxId));
            }

            @Override
            public boolean wake(String sandboxId) {
                states.put(sandboxId, new PreviewRegistry.Status(PreviewTarget.State.RUNNING, "127.0.0.1"));
                return true;
            }
        });
        proxy = registry.proxy();
    }

    @AfterEach
    void stop() {
        registry.close();
        registry.close();
        upstream.stop(0);
    }

    private HttpResponse<String> get(String url) throws Exception {
        URI uri = URI.create(url);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + "/probe"))
                .header("Host", uri.getAuthority()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void exposingAPortStartsTheProxyAndGivesAUrlWithTheSandboxToken() throws Exception {
        states.put("Box_1", new PreviewRegistry.Status(PreviewTarget.State.RUNNING, "127.0.0.1"));
        assertThat(proxy.isRunning()).isFalse();

        ExposedPort exposed = registry.expose("Box_1", upstreamPort, "web");

        assertThat(proxy.isRunning()).isTrue();
        assertThat(exposed.port()).isEqualTo(upstreamPort);
        assertThat(exposed.name()).isEqualTo("web");
        assertThat(exposed.exposedAt()).startsWith("http://" + upstreamPort + "-box-1-" + registry.token("Box_1").orElseThrow() + ".localhost:");
        assertThat(get(exposed.exposedAt()).body()).isEqualTo("served /probe");
        assertThat(registry.expose("Box_1", upstreamPort, null)).isEqualTo(exposed);
        assertThat(registry.exposedPorts("Box_1")).containsExactly(exposed);
    }

    @Test
    void sandboxesWhoseIdsShareALabelAreToldApartByTheirTokens() throws Exception {
        states.put("my-box", new PreviewRegistry.Status(PreviewTarget.State.RUNNING, "127.0.0.1"));
        states.put("My_Box", new PreviewRegistry.Status(PreviewTarget.State.GONE, null));
        ExposedPort live = registry.expose("my-box", upstreamPort, null);
        ExposedPort gone = registry.expose("My_Box", upstreamPort, null);

        assertThat(get(live.exposedAt()).statusCode()).isEqualTo(200);
        assertThat(get(gone.exposedAt()).statusCode()).isEqualTo(410);
    }

    @Test
    void unexposedAndForgottenPortsGetClearErrors() throws Exception {
        states.put("box", new PreviewRegistry.Status(PreviewTarget.State.RUNNING, "127.0.0.1"));
        ExposedPort exposed = registry.expose("box", upstreamPort, null);

        registry.unexpose("box", upstreamPort);
        HttpResponse<String> unexposed = get(exposed.exposedAt());
        registry.expose("box", upstreamPort, null);
        registry.forget("box");
        HttpResponse<String> destroyed = get(exposed.exposedAt());

        assertThat(unexposed.statusCode()).isEqualTo(404);
        assertThat(unexposed.headers().firstValue("X-Sandbox-Jobs-Error")).contains("PORT_NOT_EXPOSED");
        assertThat(destroyed.statusCode()).isEqualTo(410);
        assertThat(registry.exposedPorts("box")).isEmpty();
    }

    @Test
    void aSleepingSandboxIsWokenByTheFirstRequest() throws Exception {
        states.put("sleepy", new PreviewRegistry.Status(PreviewTarget.State.SLEEPING, null));
        ExposedPort exposed = registry.expose("sleepy", upstreamPort, null);

        HttpResponse<String> response = get(exposed.exposedAt());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(states.get("sleepy").state()).isEqualTo(PreviewTarget.State.RUNNING);
    }

    @Test
    void restoredTokensKeepTheirUrls() throws Exception {
        states.put("box", new PreviewRegistry.Status(PreviewTarget.State.RUNNING, "127.0.0.1"));
        String token = PreviewTokens.newToken();

        registry.restore("box", token, Map.of(upstreamPort, "web"));

        assertThat(registry.exposedPorts("box")).singleElement()
                .satisfies(port -> assertThat(port.exposedAt()).contains("-box-" + token + "."));
        assertThat(get(registry.exposedPorts("box").get(0).exposedAt()).statusCode()).isEqualTo(200);
    }

    @Test
    void badPortsAndUnknownPortsAreTypedErrors() {
        assertThatThrownBy(() -> registry.expose("box", 80, null))
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> registry.expose("box", 70000, null))
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> registry.unexpose("box", 8080))
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PORT_NOT_EXPOSED));
    }
}
