package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.git;
import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.gitRepository;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflows composed with {@link PipelineSteps} on real Docker, a real SQLite file and local git repositories. */
@RequiresDocker
class PipelineStepsDockerTest {
    @TempDir Path dataDir;
    @TempDir Path tmp;

    private SandboxEngine engine;
    private JobEngine jobEngine;

    @AfterEach
    void closeTheEngine() {
        if (jobEngine != null) {
            jobEngine.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    /** clone → list (lists the project) → lint (fails: finds a TODO) → report. */
    private JobsWorker jobs() {
        engine = SandboxEngine.builder().dataDirectory(dataDir).image(RuntimeImageForTests.image()).build();
        jobEngine = JobEngine.over(engine);
        JobsWorker jobs = jobEngine.worker();
        jobs.register(Workflow.named("composed")
                .parameters(PipelineSteps.cloneParameters())
                .sandbox(SandboxSpec.defaults())
                .step(PipelineSteps.cloneStep())
                .step(PipelineSteps.step("lint", (ctx, checkout) -> {
                    ExecResult r = ctx.sandbox(Sandbox.class).exec(List.of("grep", "-rn", "--exclude-dir=.git", "TODO", "."),
                            ExecOptions.builder().cwd(checkout.projectDir()).build());
                    return PipelineSteps.stepReport("lint", r.exitCode() == 1 ? 0 : 1,
                            r.exitCode() == 1 ? "no TODOs" : "TODOs left", r.stdout());
                }))
                .step(PipelineSteps.step("list", (ctx, checkout) -> PipelineSteps.stepReport("list", 0,
                        "at " + checkout.commit(), String.join("\n", ctx.sandbox(Sandbox.class)
                                .exec(List.of("ls", checkout.projectDir())).stdout().strip()))))
                .step(PipelineSteps.reportStep("lint", "list"))
                .build());
        jobs.start();
        return jobs;
    }

    @Test
    void aFailedUserStepLetsLaterStepsRunThenTheReportIsStoredAndTheRunFails() throws Exception {
        JobsWorker jobs = jobs();
        Path repo = gitRepository(tmp, "node-pass", "main");
        java.nio.file.Files.writeString(repo.resolve("notes.txt"), "TODO: more tests\n");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "todo");
        String head = git(repo, "rev-parse", "HEAD");

        Run run = jobs.await(jobs.submit(RunRequest.of("composed")
                .parameters(Map.of("repository", repo.toString(), "ref", "main")).build()).id(), Duration.ofMinutes(3));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.failure().message()).isEqualTo("lint failed: TODOs left");
        assertThat(run.steps()).extracting(StepRun::state)
                .containsExactly(RunState.SUCCEEDED, RunState.SUCCEEDED, RunState.SUCCEEDED, RunState.FAILED);
        PipelineResult result = PipelineSteps.result(run).orElseThrow();
        assertThat(result.success()).isFalse();
        assertThat(result.commit()).isEqualTo(head);
        assertThat(result.steps()).extracting(StepReport::name).containsExactly("clone", "lint", "list", "report");
        assertThat(result.step("lint").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.step("list").orElseThrow().message()).isEqualTo("at " + head);
        assertThat(result.output()).contains("== lint ==\n./notes.txt:1:TODO: more tests").contains("== list ==")
                .contains("package.json");
        assertThat(jobs.artifacts(run.id())).extracting(ArtifactInfo::name)
                .contains("report.json", "junit.xml", "report.md", "report.html");
        assertThat(new String(jobs.readArtifact(run.id(), "report.md"), StandardCharsets.UTF_8))
                .contains("Pipeline failed").contains("lint failed: TODOs left").contains("./notes.txt:1:TODO");
    }

    @Test
    void aCloneThatFailsStoresTheReportsWithTheCloneStepAloneAndFailsTheRun() throws Exception {
        JobsWorker jobs = jobs();
        Path repo = gitRepository(tmp, "node-pass", "main");

        Run run = jobs.await(jobs.submit(RunRequest.of("composed")
                .parameters(Map.of("repository", repo.toString(), "ref", "no-such-branch")).build()).id(),
                Duration.ofMinutes(3));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.failure().message()).startsWith("clone failed: the branch, tag or commit \"no-such-branch\"");
        PipelineResult result = PipelineSteps.result(run).orElseThrow();
        assertThat(result.steps()).extracting(StepReport::name).containsExactly("clone", "report");
        assertThat(result.step("clone").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(jobs.artifacts(run.id())).extracting(ArtifactInfo::name).contains("report.md", "report.html");
    }
}
