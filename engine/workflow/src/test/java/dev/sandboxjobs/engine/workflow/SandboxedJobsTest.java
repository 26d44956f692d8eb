package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job engine of {@code JobEngine.over(sandboxEngine)} on real Docker sandboxes and a real SQLite file. */
@RequiresDocker
class SandboxedJobsTest {
    private static final String SECRET_VALUE = "s3cr3t-value-never-stored";

    @TempDir
    Path dir;

    private SandboxEngine engine;
    private JobEngine jobEngine;

    private JobEngine engine(JobsOptions options) {
        engine = TestEngines.builder(dir).build();
        jobEngine = JobEngine.builder()
                .sandboxEngine(engine)
                .options(options)
                .secretResolver(name -> Secret.of(SECRET_VALUE + "-" + name))
                .build();
        return jobEngine;
    }

    @AfterEach
    void closeAndClean() {
        if (engine != null) {
            String engineId = engine.engineId();
            jobEngine.close();
            engine.close();
            for (String id : DockerLabels.runContainers(engineId)) {
                DockerLabels.docker("rm", "-f", id);
            }
        }
    }

    private static SandboxSpec spec() {
        return SandboxSpec.image(TestImages.runtime());
    }

    @Test
    void stepsExecInTheRunsOwnSandboxPassFilesAlongAndTheSandboxIsDestroyedAfterSuccess() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        List<String> labelledWhileRunning = new CopyOnWriteArrayList<>();
        jobs.register(Workflow.named("files")
                .sandbox(SandboxSpec.defaults().withEnv(Map.of("GREETING", "hello")).withSecrets(List.of("JOB_TOKEN")))
                .step(Step.of("write", ctx -> {
                    Sandbox sandbox = ctx.sandbox(Sandbox.class);
                    labelledWhileRunning.addAll(DockerLabels.containersOfRun(ctx.runId()));
                    ExecResult r = sandbox.exec("echo \"$GREETING from $(hostname)\" > /workspace/out.txt");
                    return r.success() ? StepResult.success(Map.of("sandbox", sandbox.id()))
                            : StepResult.failure(r.stderr(), null);
                }))
                .step(Step.of("read", ctx -> {
                    Sandbox sandbox = ctx.sandbox(Sandbox.class);
                    String text = sandbox.readFile("/workspace/out.txt").content().trim();
                    ExecResult token = sandbox.exec("printf %s \"$JOB_TOKEN\"");
                    ctx.log().info("read " + text);
                    return StepResult.success(Map.of("text", text, "sandbox", sandbox.id(),
                            "tokenMatches", token.stdout().equals(SECRET_VALUE + "-JOB_TOKEN")));
                }))
                .build());
        jobs.start();

        Run run = jobs.await(jobs.submit(RunRequest.of("files").build()).id(), Duration.ofMinutes(2));

        assertThat(run.state()).as("%s", run.failure()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.result().get("text").asText()).startsWith("hello from ");
        assertThat(run.result().get("tokenMatches").asBoolean()).as("the secret reached the sandbox").isTrue();
        assertThat(run.step("write").result().get("sandbox").asText())
                .isEqualTo(run.result().get("sandbox").asText()).isEqualTo(run.sandboxId());
        assertThat(labelledWhileRunning).as("the container carried the run label while it ran").hasSize(1);
        assertThat(DockerLabels.containersOfRun(run.id())).as("destroyed after success").isEmpty();
        assertThat(engine.findSandbox(run.sandboxId())).isEmpty();
        assertThat(jobs.logs(run.id(), 0, 10)).extracting(LogLine::text).anyMatch(t -> t.startsWith("read hello"));
        engine.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(SandboxEngine.DATABASE_FILE_NAME))
                    .toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as("the secret value is nowhere in %s", f.getFileName()).doesNotContain(SECRET_VALUE);
            }
        }
    }

    @Test
    void aFailedCommandFailsTheRunWithoutRetryAndDestroysTheSandbox() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        jobs.register(Workflow.named("red")
                .sandbox(spec())
                .retry(RetryPolicy.attempts(3))
                .step(Step.of("test", ctx -> {
                    ExecResult r = ctx.sandbox(Sandbox.class).exec("echo 2 tests failed >&2; exit 3");
                    return r.success() ? StepResult.success() : StepResult.failure(r.stderr().trim(), r.exitCode());
                }))
                .build());
        jobs.start();

        Run run = jobs.await(jobs.submit(RunRequest.of("red").build()).id(), Duration.ofMinutes(2));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.attempt()).isEqualTo(1);
        assertThat(run.step("test").result().asInt()).isEqualTo(3);
        assertThat(DockerLabels.containersOfRun(run.id())).as("destroyed after failure").isEmpty();
    }

    @Test
    void aStepPastItsTimeoutIsKilledRecordedTimedOutAndItsSandboxDestroyed() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        jobs.register(Workflow.named("slow-step")
                .sandbox(spec())
                .step(Step.of("sleep", Duration.ofSeconds(2), ctx -> {
                    ctx.sandbox(Sandbox.class).exec("sleep 600");
                    return StepResult.success();
                }))
                .build());
        jobs.start();

        Run run = jobs.await(jobs.submit(RunRequest.of("slow-step").build()).id(), Duration.ofMinutes(2));

        assertThat(run.state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(run.step("sleep").state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(run.sandboxId()).isNotNull();
        assertThat(DockerLabels.containersOfRun(run.id())).as("destroyed after a step timeout").isEmpty();
    }

    @Test
    void aRunPastItsTimeoutIsRecordedTimedOutAndItsSandboxDestroyed() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        jobs.register(Workflow.named("slow-run")
                .sandbox(spec())
                .step(Step.of("quick", ctx -> StepResult.success(ctx.sandbox(Sandbox.class).exec("true").exitCode())))
                .step(Step.of("sleep", ctx -> {
                    ctx.sandbox(Sandbox.class).exec("sleep 600");
                    return StepResult.success();
                }))
                .build());
        jobs.start();

        Run run = jobs.await(jobs.submit(RunRequest.of("slow-run").timeout(Duration.ofSeconds(4)).build()).id(),
                Duration.ofMinutes(2));

        assertThat(run.state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(run.step("quick").state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(DockerLabels.containersOfRun(run.id())).as("destroyed after a run timeout").isEmpty();
    }

    @Test
    void cancellingARunningRunStopsItsStepAndDestroysItsSandbox() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        CountDownLatch sleeping = new CountDownLatch(1);
        jobs.register(Workflow.named("cancel-me")
                .sandbox(spec())
                .step(Step.of("sleep", ctx -> {
                    Sandbox sandbox = ctx.sandbox(Sandbox.class);
                    sandbox.exec("true");
                    sleeping.countDown();
                    sandbox.exec("sleep 600");
                    return StepResult.success();
                }))
                .build());
        jobs.start();
        Run submitted = jobs.submit(RunRequest.of("cancel-me").build());
        assertThat(sleeping.await(2, TimeUnit.MINUTES)).isTrue();
        assertThat(DockerLabels.containersOfRun(submitted.id())).hasSize(1);

        CancelResult cancel = jobs.cancel(submitted.id());
        Run run = jobs.await(submitted.id(), Duration.ofMinutes(1));

        assertThat(cancel.changed()).isTrue();
        assertThat(run.state()).isEqualTo(RunState.CANCELLED);
        assertThat(DockerLabels.containersOfRun(run.id())).as("destroyed after cancellation").isEmpty();
    }

    @Test
    void aContainerKilledFromOutsideMidStepIsRetriedInANewSandboxAndTheEngineKeepsWorking() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        CountDownLatch sleeping = new CountDownLatch(1);
        AtomicBoolean slept = new AtomicBoolean();
        List<String> attempts = new CopyOnWriteArrayList<>();
        jobs.register(Workflow.named("fragile")
                .sandbox(spec())
                .retry(RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .step(Step.of("prepare", ctx -> {
                    ctx.sandbox(Sandbox.class).exec("echo attempt " + ctx.attempt() + " > /workspace/attempt");
                    return StepResult.success(ctx.sandbox().id());
                }))
                .step(Step.of("work", ctx -> {
                    Sandbox sandbox = ctx.sandbox(Sandbox.class);
                    attempts.add(ctx.attempt() + " in " + sandbox.id());
                    if (!slept.getAndSet(true)) {
                        sleeping.countDown();
                        sandbox.exec("sleep 600");
                    }
                    return StepResult.success(sandbox.exec("cat /workspace/attempt").stdout().trim());
                }))
                .build());
        jobs.start();
        Run submitted = jobs.submit(RunRequest.of("fragile").build());
        assertThat(sleeping.await(2, TimeUnit.MINUTES)).isTrue();
        List<String> first = DockerLabels.containersOfRun(submitted.id());
        assertThat(first).hasSize(1);

        DockerLabels.docker("kill", first.get(0));
        // When Docker cannot tell the command's exit code, the SDK may run the command once more in the
        // restarted container; a second kill then fails it for sure. Keep killing while attempt 1 hangs.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            Run now = jobs.get(submitted.id());
            if (now.attempt() > 1 || now.state().isFinished()) {
                break;
            }
            Thread.sleep(3000);
            now = jobs.get(submitted.id());
            if (now.attempt() == 1 && !now.state().isFinished()) {
                System.err.println("killing again; work step ran as " + attempts);
                DockerLabels.dockerTolerant("kill", first.get(0));
            }
        }
        Run run = jobs.await(submitted.id(), Duration.ofMinutes(2));

        assertThat(run.state()).as("%s; work step ran as %s", run.failure(), attempts).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.attempt()).as("work step ran as %s", attempts).isEqualTo(2);
        assertThat(run.result().asText()).as("every step ran again in the new sandbox").isEqualTo("attempt 2");
        assertThat(DockerLabels.containersOfRun(run.id())).isEmpty();
        assertThat(DockerLabels.docker("ps", "-aq", "--no-trunc", "--filter", "id=" + first.get(0)))
                .as("the killed container was removed too").isEmpty();

        Run next = jobs.await(jobs.submit(RunRequest.of("fragile").build()).id(), Duration.ofMinutes(2));
        assertThat(next.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(DockerLabels.runContainers(engine.engineId())).isEmpty();
    }

    @Test
    void aMissingImageFailsTheRunAtOnceWithoutRetryingIt() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        jobs.register(Workflow.named("no-image")
                .sandbox(SandboxSpec.image("sandbox-jobs/no-such-image:never"))
                .retry(RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .step(Step.of("never", ctx -> StepResult.success()))
                .build());
        jobs.start();

        Run run = jobs.await(jobs.submit(RunRequest.of("no-image").build()).id(), Duration.ofMinutes(1));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.attempt()).isEqualTo(1);
        assertThat(run.failure().retryable()).isFalse();
        assertThat(run.failure().message()).contains("sandbox-jobs/no-such-image:never").contains("setup");
    }

    /**
     * The limit holds for sandboxes in use; an ended run's container is removed in the background
     * while the next run starts, and at most as many removals as the limit are under way.
     */
    @Test
    void neverMoreSandboxesInUseThanTheConcurrencyLimitNorMoreThanAsManyAgainBeingRemoved() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults().withMaxConcurrentRuns(2)).worker();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        jobs.register(Workflow.named("limited")
                .sandbox(spec())
                .step(Step.of("work", ctx -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        return StepResult.success(ctx.sandbox(Sandbox.class).exec("sleep 1").exitCode());
                    } finally {
                        running.decrementAndGet();
                    }
                }))
                .build());
        AtomicInteger maxContainers = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxContainers.accumulateAndGet(DockerLabels.runContainers(engine.engineId()).size(), Math::max);
            }
        });
        jobs.start();
        sampler.start();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(jobs.submit(RunRequest.of("limited").build()).id());
        }
        try {
            for (String id : ids) {
                assertThat(jobs.await(id, Duration.ofMinutes(3)).state()).isEqualTo(RunState.SUCCEEDED);
            }
        } finally {
            sampling.set(false);
            sampler.join();
        }

        assertThat(maxRunning.get()).isEqualTo(2);
        assertThat(maxContainers.get()).as("containers with our labels seen at once").isBetween(1, 4);
        assertThat(DockerLabels.runContainers(engine.engineId())).isEmpty();
    }

    @Test
    void aSecondEngineOnTheSameDatabaseAlsoRunsJobsAndUsesSandboxes() throws Exception {
        JobsWorker jobs = engine(JobsOptions.defaults()).worker();
        jobs.start();
        try (SandboxEngine second = TestEngines.create(dir); JobEngine secondJobs = JobEngine.over(second)) {
            assertThat(second.listSandboxes()).isEmpty();
            assertThat(second.engineId()).isEqualTo(engine.engineId());
            JobsWorker other = secondJobs.worker();
            other.register(Workflow.named("second-engine").step(Step.of("s", ctx -> StepResult.success("ok"))).build());
            other.start();
            assertThat(other.await(other.submit(RunRequest.of("second-engine").build()).id(), Duration.ofMinutes(1))
                    .state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(jobEngine.worker()).isSameAs(jobs);
        jobEngine.close();
        assertThatThrownBy(jobEngine::worker).isInstanceOf(JobException.class)
                .extracting(e -> ((JobException) e).code()).isEqualTo(JobErrorCode.CLOSED);
    }
}
