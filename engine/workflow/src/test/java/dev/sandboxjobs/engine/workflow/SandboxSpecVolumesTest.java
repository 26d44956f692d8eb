package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's sandbox with named volumes, and a sandbox computed from the run's parameters, on real Docker. */
@RequiresDocker
class SandboxSpecVolumesTest {
    private final String volume = "sandbox-jobs-test-spec-volume-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    private SandboxEngine engine;
    private JobEngine jobEngine;

    @AfterEach
    void closeAndRemoveTheVolume() {
        if (jobEngine != null) {
            jobEngine.close();
        }
        if (engine != null) {
            engine.close();
        }
        DockerLabels.dockerTolerant("volume", "rm", "-f", volume);
    }

    @Test
    void aVolumeOfTheSpecIsMountedInEachRunsSandboxAndOutlivesIt() throws Exception {
        engine = TestEngines.create(dir);
        jobEngine = JobEngine.over(engine);
        JobsWorker jobs = jobEngine.worker();
        jobs.register(Workflow.named("cached")
                .sandbox(SandboxSpec.image(TestImages.runtime())
                        .withVolumes(List.of(VolumeMount.of(volume, "/cache/test"))))
                .step(Step.of("touch", ctx -> {
                    ExecResult r = ctx.sandbox(Sandbox.class).exec(List.of("sh", "-c",
                            "cat /cache/test/runs 2>/dev/null; echo \"$0\" >> /cache/test/runs", ctx.runId()));
                    return r.success() ? StepResult.success(Map.of("before", r.stdout())) : StepResult.failure(r.stderr(), null);
                }))
                .build());
        jobs.start();

        Run first = jobs.await(jobs.submit(RunRequest.of("cached").build()).id(), Duration.ofMinutes(2));
        Run second = jobs.await(jobs.submit(RunRequest.of("cached").build()).id(), Duration.ofMinutes(2));

        assertThat(first.state()).as("%s", first.failure()).isEqualTo(RunState.SUCCEEDED);
        assertThat(second.state()).as("%s", second.failure()).isEqualTo(RunState.SUCCEEDED);
        assertThat(first.result().get("before").asText()).isEmpty();
        assertThat(second.result().get("before").asText()).as("the second run sees what the first wrote")
                .isEqualTo(first.id() + "\n");
        assertThat(DockerLabels.containersOfRun(second.id())).isEmpty();
        assertThat(DockerLabels.docker("volume", "ls", "-q", "--filter", "name=" + volume)).containsExactly(volume);
    }

    @Test
    void aWorkflowMayComputeEachRunsSandboxFromItsParameters() throws Exception {
        engine = TestEngines.create(dir);
        jobEngine = JobEngine.over(engine);
        JobsWorker jobs = jobEngine.worker();
        jobs.register(Workflow.named("colored")
                .sandbox(params -> SandboxSpec.image(TestImages.runtime())
                        .withEnv(Map.of("COLOR", params.path("color").asText("none"))))
                .step(Step.of("echo", ctx -> StepResult.success(Map.of("color",
                        ctx.sandbox(Sandbox.class).exec(List.of("printenv", "COLOR")).stdout().strip()))))
                .build());
        jobs.start();

        Run run = jobs.await(jobs.submit(RunRequest.of("colored").parameters(Map.of("color", "teal")).build()).id(),
                Duration.ofMinutes(2));

        assertThat(run.state()).as("%s", run.failure()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.result().get("color").asText()).isEqualTo("teal");
    }
}
