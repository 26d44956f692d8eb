package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox holding live work does not fall asleep: each test compares a sandbox with work to an
 * idle one made at the same moment with the same sleepAfter; once the idle one sleeps, the busy one
 * must still run, and it sleeps after its work ends.
 */
@RequiresDocker
class SandboxSleepKeepsLiveWorkTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static final SandboxOptions SLEEPY = SandboxOptions.builder().sleepAfter(Duration.ofSeconds(1)).build();

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).maintenanceInterval(Duration.ofMillis(200)).build();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.listSandboxes().forEach(s -> engine.destroySandbox(s.id()));
            engine.close();
        }
    }

    static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    static boolean sleeping(Sandbox s) {
        return engine.listSandboxes().stream().anyMatch(i -> i.id().equals(s.id()) && i.status() == SandboxStatus.SLEEPING);
    }

    @Test
    void aRunningBackgroundProcessKeepsItAwakeAndItSleepsAfterTheProcessEnds() throws Exception {
        Sandbox busy = engine.getSandbox("live-process", SLEEPY);
        ProcessInfo server = busy.startProcess("python3 -m http.server 8000 --bind 0.0.0.0");
        Sandbox idle = engine.getSandbox("idle-1", SLEEPY);
        idle.exec("true");

        assertThat(await(() -> sleeping(idle))).isTrue();
        assertThat(sleeping(busy)).isFalse();
        assertThat(busy.getProcess(server.id()).status()).isEqualTo(ProcessStatus.RUNNING);

        busy.killProcess(server.id());
        assertThat(await(() -> sleeping(busy))).isTrue();
    }

    @Test
    void aLiveCodeContextKeepsItAwakeWithItsState() throws Exception {
        Sandbox busy = engine.getSandbox("live-context", SLEEPY);
        CodeContext ctx = busy.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
        busy.runCode("answer = 42", RunCodeOptions.in(ctx));
        Sandbox idle = engine.getSandbox("idle-2", SLEEPY);
        idle.exec("true");

        assertThat(await(() -> sleeping(idle))).isTrue();
        assertThat(sleeping(busy)).isFalse();
        assertThat(busy.runCode("answer", RunCodeOptions.in(ctx)).text()).isEqualTo("42");

        busy.deleteCodeContext(ctx.id());
        assertThat(await(() -> sleeping(busy))).isTrue();
    }

    @Test
    void anOpenFileWatchKeepsItAwake() throws Exception {
        Sandbox busy = engine.getSandbox("live-watch", SLEEPY);
        FileWatch watch = busy.watch("/workspace");
        Sandbox idle = engine.getSandbox("idle-3", SLEEPY);
        idle.exec("true");

        assertThat(await(() -> sleeping(idle))).isTrue();
        assertThat(sleeping(busy)).isFalse();

        watch.close();
        assertThat(await(() -> sleeping(busy))).isTrue();
    }

    @Test
    void anOpenPreviewConnectionKeepsItAwake() throws Exception {
        Sandbox busy = engine.getSandbox("live-preview", SLEEPY);
        // a server started from a shell command, not a tracked background process: only the connection holds it
        busy.writeFile("/workspace/stream.py", """
                import http.server, time
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200)
                        self.send_header('Content-Type', 'text/event-stream')
                        self.end_headers()
                        for i in range(600):
                            self.wfile.write(b'data: tick\\n\\n'); self.wfile.flush(); time.sleep(0.2)
                http.server.ThreadingHTTPServer(('0.0.0.0', 8080), H).serve_forever()
                """);
        busy.exec(List.of("sh", "-c", "setsid nohup python3 /workspace/stream.py > /tmp/stream.log 2>&1 &"));
        ExposedPort port = busy.exposePort(8080);
        URI url = URI.create(port.exposedAt());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + url.getPort() + "/events"))
                .header("Host", url.getHost() + ":" + url.getPort()).build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> stream = null;
        for (int i = 0; i < 100 && (stream == null || stream.statusCode() != 200); i++) {
            stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (stream.statusCode() != 200) {
                stream.body().close();
                Thread.sleep(200);
            }
        }
        assertThat(stream.statusCode()).as(busy.exec("cat /tmp/stream.log; ps ax").stdout()).isEqualTo(200);
        Sandbox idle = engine.getSandbox("idle-4", SLEEPY);
        idle.exec("true");

        assertThat(await(() -> sleeping(idle))).isTrue();
        assertThat(sleeping(busy)).isFalse();
        assertThat(new String(stream.body().readNBytes(11))).isEqualTo("data: tick\n");

        stream.body().close();
        assertThat(await(() -> sleeping(busy))).isTrue();
    }
}
