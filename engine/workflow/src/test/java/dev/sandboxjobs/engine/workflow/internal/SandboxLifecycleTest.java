package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.InfrastructureFault;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox logic of the engine against a hand-written provider (the Docker-backed proof comes with the SDK). */
class SandboxLifecycleTest {
    private static final SandboxSpec SPEC = SandboxSpec.image("sandbox-jobs/debian-base:trixie")
            .withEnv(Map.of("CI", "true")).withMemoryBytes(256L << 20);
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10),
            2.0, 0.0, false);

    @TempDir
    Path dir;

    private final FakeSandboxProvider provider = new FakeSandboxProvider();

    private RealJobsWorker open() {
        return RealJobsWorker.openSqlite(dir.resolve("jobs.db"), Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults(), provider);
    }

    private static Workflow.Builder sandboxed(String name) {
        return Workflow.named(name).sandbox(SPEC);
    }

    @Test
    void eachRunGetsItsOwnSandboxWhichIsDestroyedAfterSuccessAndAfterFailure() throws Exception {
        try (RealJobsWorker jobs = open()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            jobs.register(sandboxed("ok").step(Step.of("s", ctx -> {
                seen.add(ctx.sandbox().id());
                return StepResult.success();
            })).build());
            jobs.register(sandboxed("red").step(Step.of("s", ctx -> StepResult.failure("red", null))).build());
            jobs.start();
            Run ok = jobs.await(jobs.submit(RunRequest.of("ok").build()).id(), Duration.ofSeconds(10));
            Run red = jobs.await(jobs.submit(RunRequest.of("red").build()).id(), Duration.ofSeconds(10));

            assertThat(ok.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(red.state()).isEqualTo(RunState.FAILED);
            assertThat(provider.created).hasSize(2);
            assertThat(seen).containsExactly(ok.sandboxId());
            assertThat(provider.destroyed).containsExactlyInAnyOrderElementsOf(provider.created);
            assertThat(provider.live).isEmpty();
            assertThat(provider.specs.get(0)).isEqualTo(SPEC);
        }
    }

    @Test
    void timeoutsAndCancellationDestroyTheSandbox() throws Exception {
        try (RealJobsWorker jobs = open()) {
            CountDownLatch started = new CountDownLatch(1);
            jobs.register(sandboxed("hang").step(Step.of("s", ctx -> {
                started.countDown();
                Thread.sleep(60_000);
                return StepResult.success();
            })).build());
            jobs.start();
            Run timedOut = jobs.await(jobs.submit(RunRequest.of("hang").timeout(Duration.ofMillis(200)).build()).id(),
                    Duration.ofSeconds(10));
            assertThat(timedOut.state()).isEqualTo(RunState.TIMED_OUT);
            assertThat(provider.destroyed).contains(timedOut.sandboxId());

            Run run = jobs.submit(RunRequest.of("hang").build());
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            while (jobs.get(run.id()).sandboxId() == null) {
                Thread.sleep(10);
            }
            String sandbox = jobs.get(run.id()).sandboxId();
            jobs.cancel(run.id());
            assertThat(jobs.await(run.id(), Duration.ofSeconds(10)).state()).isEqualTo(RunState.CANCELLED);
            assertThat(provider.destroyed).contains(sandbox);
            assertThat(provider.live).isEmpty();
        }
    }

    @Test
    void aSandboxThatFailsToStartIsAnInfrastructureFaultAndIsRetried() throws Exception {
        provider.failCreates.set(1);
        try (RealJobsWorker jobs = open()) {
            jobs.register(sandboxed("w").retry(FAST_RETRY).step(Step.of("s", ctx -> StepResult.success())).build());
            jobs.start();
            Run run = jobs.await(jobs.submit(RunRequest.of("w").build()).id(), Duration.ofSeconds(10));
            assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.attempt()).isEqualTo(2);
            assertThat(provider.created).hasSize(1);
        }
    }

    @Test
    void aRetryOfASandboxedRunStartsFromScratchInANewSandbox() throws Exception {
        AtomicInteger firstStep = new AtomicInteger();
        AtomicInteger secondStep = new AtomicInteger();
        try (RealJobsWorker jobs = open()) {
            jobs.register(sandboxed("w").retry(FAST_RETRY)
                    .step(Step.of("prepare", ctx -> {
                        firstStep.incrementAndGet();
                        return StepResult.success();
                    }))
                    .step(Step.of("use", ctx -> {
                        if (secondStep.incrementAndGet() == 1) {
                            throw new InfrastructureFault("container died");
                        }
                        return StepResult.success();
                    }))
                    .build());
            jobs.start();
            Run run = jobs.await(jobs.submit(RunRequest.of("w").build()).id(), Duration.ofSeconds(10));
            assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(firstStep).hasValue(2);
            assertThat(run.step("prepare").attempt()).isEqualTo(2);
            assertThat(provider.created).hasSize(2);
            assertThat(provider.live).isEmpty();
        }
    }

    private RealJobsWorker startWithInFlightRun(AtomicInteger prepared, CountDownLatch inUse, String[] runId) {
        RealJobsWorker jobs = open();
        jobs.register(sandboxed("w")
                .step(Step.of("prepare", ctx -> {
                    prepared.incrementAndGet();
                    return StepResult.success("prepared in " + ctx.sandbox().id());
                }))
                .step(Step.of("use", ctx -> {
                    inUse.countDown();
                    if (ctx.attempt() == 1) {
                        Thread.sleep(60_000);
                    }
                    return StepResult.success(ctx.result("prepare").asText());
                }))
                .build());
        jobs.start();
        if (runId != null) {
            runId[0] = jobs.submit(RunRequest.of("w").build()).id();
        }
        return jobs;
    }

    @Test
    void afterARestartARunWhoseSandboxSurvivedResumesAtItsFirstUnfinishedStep() throws Exception {
        AtomicInteger prepared = new AtomicInteger();
        CountDownLatch inUse = new CountDownLatch(1);
        String[] runId = new String[1];
        String sandbox;
        try (RealJobsWorker jobs = startWithInFlightRun(prepared, inUse, runId)) {
            assertThat(inUse.await(10, TimeUnit.SECONDS)).isTrue();
            sandbox = jobs.get(runId[0]).sandboxId();
        }
        assertThat(provider.live).containsKey(sandbox);
        try (RealJobsWorker jobs = startWithInFlightRun(prepared, new CountDownLatch(1), null)) {
            Run run = jobs.await(runId[0], Duration.ofSeconds(10));
            assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.result().asText()).isEqualTo("prepared in " + sandbox);
            assertThat(run.step("prepare").attempt()).isEqualTo(1);
            assertThat(run.step("use").attempt()).isEqualTo(2);
        }
        assertThat(prepared).as("the finished step was not redone").hasValue(1);
        assertThat(provider.created).containsExactly(sandbox);
        assertThat(provider.destroyed).contains(sandbox);
    }

    @Test
    void afterARestartARunWhoseSandboxIsGoneStartsAgainInANewSandbox() throws Exception {
        AtomicInteger prepared = new AtomicInteger();
        CountDownLatch inUse = new CountDownLatch(1);
        String[] runId = new String[1];
        String sandbox;
        try (RealJobsWorker jobs = startWithInFlightRun(prepared, inUse, runId)) {
            assertThat(inUse.await(10, TimeUnit.SECONDS)).isTrue();
            sandbox = jobs.get(runId[0]).sandboxId();
        }
        provider.live.remove(sandbox);
        try (RealJobsWorker jobs = startWithInFlightRun(prepared, new CountDownLatch(1), null)) {
            Run run = jobs.await(runId[0], Duration.ofSeconds(10));
            assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.sandboxId()).isNotEqualTo(sandbox);
            assertThat(run.result().asText()).isEqualTo("prepared in " + run.sandboxId());
            assertThat(run.step("prepare").attempt()).isEqualTo(2);
        }
        assertThat(prepared).hasValue(2);
        assertThat(provider.live).isEmpty();
    }

    @Test
    void sandboxesOfRunsThatAreOverAreReapedAtStart() throws Exception {
        String finished;
        try (RealJobsWorker jobs = open()) {
            jobs.register(Workflow.named("plain").step(Step.of("s", ctx -> StepResult.success())).build());
            jobs.start();
            finished = jobs.await(jobs.submit(RunRequest.of("plain").build()).id(), Duration.ofSeconds(10)).id();
        }
        provider.live.put("orphan-1", finished);
        provider.live.put("orphan-2", "run-that-never-existed");
        try (RealJobsWorker jobs = open()) {
            jobs.start();
            assertThat(provider.live).isEmpty();
            assertThat(provider.destroyed).contains("orphan-1", "orphan-2");
        }
    }
}
