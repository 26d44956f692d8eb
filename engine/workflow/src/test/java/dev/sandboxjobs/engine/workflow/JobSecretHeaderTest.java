package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.testing.EgressTestSupport;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's sandbox spec binds a secret, by name, to a host: the egress proxy adds it to the run's
 * requests for that host, and its value is nowhere in the sandbox, the stored run or the engine's
 * files.
 */
@RequiresDocker
class JobSecretHeaderTest {
    private static final String SECRET = "sj-jobsecret-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

    @TempDir
    Path dir;

    @Test
    void theProxyAddsTheNamedSecretForItsHostAndTheValueIsStoredNowhere() throws Exception {
        String lan = EgressTestSupport.lanAddress();
        try (EgressTestSupport.HostServer server = new EgressTestSupport.HostServer();
             SandboxEngine engine = TestEngines.builder(dir.resolve("data")).build();
             JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                     .secretResolver(name -> {
                         assertThat(name).isEqualTo("API_TOKEN");
                         return Secret.of(SECRET);
                     }).build()) {
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("call-api")
                    .sandbox(SandboxSpec.defaults()
                            .withEgress(EgressPolicy.allow(lan + ":" + server.port()))
                            .withSecretHeader(SecretHeader.bearer(lan, "API_TOKEN")))
                    .step(Step.of("call", ctx -> {
                        Sandbox sb = ctx.sandbox(Sandbox.class);
                        ExecResult page = sb.exec("curl -sS -m 30 http://" + lan + ":" + server.port() + "/");
                        ExecResult env = sb.exec("env; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'");
                        return StepResult.success(Map.of("page", page.stdout().trim(),
                                "envHoldsSecret", env.stdout().contains(SECRET)));
                    }))
                    .build());
            jobs.start();
            Run run = jobs.await(jobs.submit(RunRequest.of("call-api").build()).id(), Duration.ofMinutes(3));

            assertThat(run.state()).as("%s", run.failure()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.result().get("page").asText()).isEqualTo("host-secret-page");
            assertThat(server.authorizations).last().isEqualTo("Bearer " + SECRET);
            assertThat(run.result().get("envHoldsSecret").asBoolean()).as("the secret entered the sandbox").isFalse();
            assertThat(String.valueOf(jobs.get(run.id()))).doesNotContain(SECRET);
            jobs.logs(run.id(), 0, 10_000).forEach(l -> assertThat(l.text()).doesNotContain(SECRET));
        }
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(new String(needle, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
