package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.gitRepository;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline under egress policies, on a real git repository made by the test, in real SDK
 * sandboxes: {@code npm ci} reaches the npm registry (the Node kind's allowlist, through the
 * engine's egress proxy and the machine's own proxy), a test command that reaches for the network
 * is refused, and the reports list the hosts contacted and denied step by step.
 */
@RequiresDocker
class PipelineEgressDockerTest {
    /** Tries the registry (allowed during install) from the test step, then runs the real tests. */
    private static final String NOSY_TEST = "curl -sS -o /dev/null https://registry.npmjs.org/ms; echo curl-exit=$?; npm test";

    @TempDir
    static Path engineDir;
    static SandboxEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startTheEngine() {
        engine = SandboxEngine.builder().dataDirectory(engineDir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(2L << 30).label("dev.sandboxjobs.owner", "egress-pipeline-tests")
                        .build())
                .build();
    }

    @AfterAll
    static void stopTheEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @AfterEach
    void noContainerIsLeftBehind() {
        var ps = PipelineTestSupport.run(List.of("docker", "ps", "-aq", "--filter",
                "label=" + Labels.ENGINE + "=" + engine.engineId()));
        assertThat(ps.output().strip()).as("containers left behind").isEmpty();
    }

    private PipelineResult run(PipelineRequest request, Path out) {
        return new TestingPipeline(request, ArtifactSink.directory(out))
                .run(engine, SandboxOptions.builder().image(RuntimeImageForTests.image()).build());
    }

    private static StepReport step(PipelineResult r, String name) {
        return r.step(name).orElseThrow();
    }

    @Test
    void installReachesTheRegistryTheTestsReachNothingAndTheReportsSaySo() throws Exception {
        Path repo = gitRepository(tmp, "node-deps-pass", "main");
        Path out = tmp.resolve("out");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches().testCommand(NOSY_TEST)
                .testTimeout(Duration.ofMinutes(5)).build(), out);

        assertThat(r.success()).as("%s\n%s", r.failure(), r.output()).isTrue();
        assertThat(r.tests().passed()).isEqualTo(2);
        StepReport install = step(r, "install");
        assertThat(install.network().policy()).contains("registry.npmjs.org:443");
        assertThat(install.network().contacted()).contains("registry.npmjs.org:443");
        assertThat(install.network().denied()).isEmpty();

        StepReport test = step(r, "test");
        assertThat(test.network().policy()).isEqualTo("no network");
        assertThat(r.output()).contains("curl-exit=56");                         // CONNECT refused with a 403
        assertThat(r.errors()).contains("403");
        assertThat(test.network().contacted()).isEmpty();
        assertThat(test.network().deniedTargets()).containsExactly("registry.npmjs.org:443");
        assertThat(test.network().denied().get(0)).contains("not in the sandbox's egress policy");

        assertThat(step(r, "clone").network().contacted()).isEmpty();            // a local directory is copied in

        String json = Files.readString(out.resolve("report.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"contacted\" : [ \"registry.npmjs.org:443\" ]").contains("\"denied\" : [ \"registry.npmjs.org:443");
        assertThat(Files.readString(out.resolve("report.md"), StandardCharsets.UTF_8))
                .contains("**install** (allowlist \\[registry.npmjs.org:443").contains("**test** (no network): contacted nothing; denied registry.npmjs.org:443");
        assertThat(Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8)).contains("<h2>Network</h2>");
    }

    @Test
    void theTestNetworkCanKeepTheInstallAllowlist() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches().testCommand(NOSY_TEST)
                .network(new PipelineNetwork(null, PipelineNetwork.TestNetwork.INSTALL))
                .testTimeout(Duration.ofMinutes(5)).build(), tmp.resolve("out"));

        assertThat(r.success()).as("%s\n%s", r.failure(), r.output()).isTrue();
        assertThat(r.output()).contains("curl-exit=0");
        assertThat(step(r, "test").network().contacted()).containsExactly("registry.npmjs.org:443");
        assertThat(step(r, "test").network().denied()).isEmpty();
    }
}
