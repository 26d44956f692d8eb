package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.GitCheckoutOptions;
import dev.sandboxjobs.engine.GitCheckoutResult;
import dev.sandboxjobs.engine.ProcessInfo;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow that receives a secret by name (SecretResolver) and checks out a private repository
 * with a token: afterwards the secrets' values are nowhere — not in any file of the data directory
 * (the SQLite database with its -wal/-shm, artifacts), the engine's log output, the run's logs,
 * results and failures, the container's configuration, or exception messages.
 */
@RequiresDocker
@Tag("reliability")
class SecretsNeverLeakTest {
    private static final String RESOLVED = "resolved-" + UUID.randomUUID();
    private static final String GIT_TOKEN = "gittok-" + UUID.randomUUID().toString().replace("-", "");

    @TempDir
    Path dir;

    @Test
    void secretValuesAppearNowhereAfterSuccessfulAndFailedRuns() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut, captured), true, StandardCharsets.UTF_8));
        List<String> texts = new CopyOnWriteArrayList<>();
        String engineId;
        Run ok;
        Run failed;
        try (SandboxEngine engine = TestEngines.builder(dir)
                .build();
                     JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                             .secretResolver(name -> Secret.of(RESOLVED + "-" + name)).build()) {
            engineId = engine.engineId();
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("deploy")
                    .sandbox(SandboxSpec.defaults().withSecrets(List.of("DEPLOY_TOKEN")))
                    .step(Step.of("serve", ctx -> {
                        Sandbox sb = ctx.sandbox(Sandbox.class);
                        ExecResult made = sb.exec("(" + String.join(" && ",
                                "git config --global user.email t@example.com", "git config --global user.name Test",
                                "mkdir -p /tmp/origin && cd /tmp/origin && git init -q && echo one > a.txt",
                                "git add a.txt && git commit -qm one",
                                "git clone -q --bare /tmp/origin /tmp/http/private.git",
                                "cd /tmp/http/private.git && git update-server-info") + ")");
                        if (!made.success()) {
                            return StepResult.failure(made.stderr(), null);
                        }
                        sb.writeFile("/tmp/auth_server.py", authServer());
                        ProcessInfo p = sb.startProcess("python3 /tmp/auth_server.py");
                        sb.exec("for i in $(seq 100); do (echo > /dev/tcp/127.0.0.1/8765) 2>/dev/null && break; sleep 0.1; done");
                        return StepResult.success(Map.of("server", p.id()));
                    }))
                    .step(Step.of("checkout", ctx -> {
                        Sandbox sb = ctx.sandbox(Sandbox.class);
                        // the container's configuration (docker inspect) holds no secret
                        String inspect = String.join("\n", DockerLabels.docker("inspect", sb.info().containerId()));
                        texts.add(inspect);
                        GitCheckoutResult r = sb.gitCheckout("http://127.0.0.1:8765/private.git", GitCheckoutOptions.builder()
                                .targetDir("/workspace/repo").token(Secret.of(GIT_TOKEN)).build());
                        texts.add(sb.exec("cat /workspace/repo/.git/config; git -C /workspace/repo remote -v").stdout());
                        try {
                            sb.gitCheckout("http://127.0.0.1:8765/missing.git", GitCheckoutOptions.builder()
                                    .targetDir("/workspace/missing").token(Secret.of(GIT_TOKEN)).build());
                        } catch (SandboxException e) {
                            assertThat(e.code()).isEqualTo(ErrorCode.GIT_CHECKOUT_FAILED);
                            texts.add(String.valueOf(e.getMessage()));
                            texts.add(String.valueOf(e));
                        }
                        ExecResult present = sb.exec("test \"$DEPLOY_TOKEN\" = \"" + RESOLVED + "-DEPLOY_TOKEN\" && echo token-present");
                        ctx.log().info("checked out " + r.commit() + " " + present.stdout().trim());
                        ctx.artifacts().put("report.txt", ("commit " + r.commit() + "\n" + present.stdout()).getBytes(StandardCharsets.UTF_8));
                        return StepResult.success(Map.of("commit", r.commit(), "present", present.stdout().trim()));
                    }))
                    .build());
            jobs.register(Workflow.named("deploy-fails")
                    .sandbox(SandboxSpec.defaults().withSecrets(List.of("DEPLOY_TOKEN")))
                    .step(Step.of("push", ctx -> {
                        Sandbox sb = ctx.sandbox(Sandbox.class);
                        // a failing checkout with the token: its exception fails the step and is stored
                        sb.gitCheckout("http://127.0.0.1:9/nothing.git", GitCheckoutOptions.builder()
                                .targetDir("/workspace/x").token(Secret.of(GIT_TOKEN)).build());
                        return StepResult.success();
                    }))
                    .build());
            jobs.start();
            ok = jobs.await(jobs.submit(RunRequest.of("deploy").build()).id(), Duration.ofMinutes(3));
            failed = jobs.await(jobs.submit(RunRequest.of("deploy-fails").build()).id(), Duration.ofMinutes(3));
            assertThat(ok.state()).as("%s", ok.failure()).isEqualTo(RunState.SUCCEEDED);
            assertThat(ok.result().get("present").asText()).as("the resolved secret reached the sandbox").isEqualTo("token-present");
            assertThat(failed.state()).isEqualTo(RunState.FAILED);
            for (Run run : List.of(ok, failed)) {
                texts.add(String.valueOf(jobs.get(run.id())));
                texts.add(String.valueOf(run.failure()));
                jobs.logs(run.id(), 0, 10_000).forEach(l -> texts.add(l.text()));
                for (ArtifactInfo a : jobs.artifacts(run.id())) {
                    texts.add(new String(jobs.readArtifact(run.id(), a.name()), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(String.join("\n", texts)).contains("token-present");
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        for (String id : DockerLabels.runContainers(engineId)) {
            DockerLabels.dockerTolerant("rm", "-f", id);
        }
        texts.add(captured.toString(StandardCharsets.UTF_8));
        for (String secret : List.of(RESOLVED, GIT_TOKEN)) {
            for (String text : texts) {
                assertThat(text).as("a run, log, artifact, message or the engine's output").doesNotContain(secret);
            }
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            assertThat(files).extracting(f -> f.getFileName().toString()).anyMatch(n -> n.startsWith(SandboxEngine.DATABASE_FILE_NAME));
            for (Path f : files) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as("the secret is nowhere in %s", f).doesNotContain(secret);
            }
        }
    }

    private static String authServer() {
        return String.join("\n",
                "import base64, http.server, functools",
                "EXPECTED = 'Basic ' + base64.b64encode(b'x-access-token:" + GIT_TOKEN + "').decode()",
                "class H(http.server.SimpleHTTPRequestHandler):",
                "    def do_GET(self):",
                "        if self.headers.get('Authorization') != EXPECTED:",
                "            self.send_response(401); self.send_header('WWW-Authenticate', 'Basic realm=git'); self.end_headers(); return",
                "        super().do_GET()",
                "    def log_message(self, *a): pass",
                "http.server.ThreadingHTTPServer(('127.0.0.1', 8765), functools.partial(H, directory='/tmp/http')).serve_forever()",
                "");
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
