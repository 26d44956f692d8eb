package dev.sandboxjobs.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.workflow.InfrastructureFault;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real worker on a real SQLite file and Docker, its meters in a SimpleMeterRegistry. */
@RequiresDocker
class SandboxJobsMetricsTest {
    @TempDir
    Path dir;

    @Test
    void runsStepsRetriesQueueAndSandboxesAreMetered() throws Exception {
        RuntimeImageForTests.ensure();
        AtomicInteger flakyCalls = new AtomicInteger();
        Semaphore finished = new Semaphore(0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SandboxEngine engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
             JobEngine jobEngine = JobEngine.over(engine);
             SandboxJobsMetrics metrics = SandboxJobsMetrics.of(jobEngine.worker(), engine)) {
            JobsWorker worker = jobEngine.worker();
            worker.register(Workflow.named("greet")
                    .sandbox(SandboxSpec.image(RuntimeImageForTests.image()))
                    .step(Step.of("echo", ctx -> StepResult.success(ctx.sandbox(Sandbox.class).exec("echo hi").stdout().trim())))
                    .build());
            worker.register(Workflow.named("flaky")
                    .retry(RetryPolicy.attempts(2).withBackoff(Duration.ofMillis(10), Duration.ofMillis(10)))
                    .step(Step.of("once", ctx -> {
                        if (flakyCalls.incrementAndGet() == 1) {
                            throw new InfrastructureFault("the first attempt fails");
                        }
                        return StepResult.success();
                    }))
                    .build());
            worker.register(Workflow.named("broken")
                    .step(Step.of("check", ctx -> StepResult.failure("the check failed", null)))
                    .build());
            metrics.bindTo(registry);
            // added after the metrics' listener, so it runs after it for the same event
            worker.addListener(new RunListener() {
                @Override
                public void onFinished(RunEvent event) {
                    finished.release();
                }
            });

            worker.submit(RunRequest.of("greet").build());
            assertThat(registry.get("sandboxjobs.runs.queued").gauge().value()).isEqualTo(1.0);
            worker.submit(RunRequest.of("flaky").build());
            worker.submit(RunRequest.of("broken").build());
            worker.start();
            assertThat(finished.tryAcquire(3, 5, TimeUnit.MINUTES)).as("three runs finished").isTrue();

            assertThat(registry.get("sandboxjobs.runs").tags("workflow", "greet", "state", "succeeded").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.runs").tags("workflow", "flaky", "state", "succeeded").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.runs").tags("workflow", "broken", "state", "failed").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.runs").tags("workflow", "greet").timer().totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("sandboxjobs.steps").tags("workflow", "greet", "step", "echo", "state", "succeeded").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.steps").tags("workflow", "broken", "step", "check", "state", "failed").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.runs.started").tags("workflow", "flaky").counter().count()).isEqualTo(2);
            assertThat(registry.get("sandboxjobs.runs.retries").tags("workflow", "flaky").counter().count()).isEqualTo(1);
            assertThat(registry.find("sandboxjobs.runs.retries").tags("workflow", "greet").counter()).isNull();
            assertThat(registry.get("sandboxjobs.runs.wait").tags("workflow", "greet").timer().count()).isEqualTo(1);
            assertThat(worker.get(worker.list(RunQuery.all().withWorkflow("greet")).items().get(0).id()).state())
                    .isEqualTo(RunState.SUCCEEDED);

            // the greet step's command, run by the worker through the engine
            assertThat(registry.get("sandboxjobs.exec").tags("outcome", "success").timer().count()).isEqualTo(1);
            Sandbox live = engine.getSandbox("metrics-live");
            try {
                live.exec("true");
                live.exec("exit 2");
                assertThatThrownBy(() -> live.exec("sleep 30", ExecOptions.builder().timeout(Duration.ofMillis(300)).build()))
                        .isInstanceOf(SandboxException.class);
                assertThat(registry.get("sandboxjobs.sandboxes").tags("status", "running").gauge().value()).isGreaterThanOrEqualTo(1.0);
                assertThat(registry.get("sandboxjobs.runs.active").gauge().value()).isZero();
            } finally {
                live.destroy();
            }
            assertThat(registry.get("sandboxjobs.exec").tags("outcome", "success").timer().count()).isEqualTo(2);
            assertThat(registry.get("sandboxjobs.exec").tags("outcome", "failure").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.exec").tags("outcome", "timeout").timer().count()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.exec").tags("outcome", "timeout").timer().totalTime(TimeUnit.MILLISECONDS))
                    .isGreaterThanOrEqualTo(300);
            assertThat(registry.get("sandboxjobs.orphans.reaped").counter().count()).isZero();
        }
    }

    @Test
    void orphansReapedAtStartAndLaterAreCounted() {
        RuntimeImageForTests.ensure();
        try (SandboxEngine crashed = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build()) {
            orphan(crashed, "lost-before-start");
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SandboxEngine engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
             JobEngine jobEngine = JobEngine.over(engine);
             SandboxJobsMetrics metrics = SandboxJobsMetrics.of(jobEngine.client(), engine)) {
            assertThat(engine.orphansReapedAtStart()).isEqualTo(1);
            metrics.bindTo(registry);
            metrics.bindTo(registry);
            assertThat(registry.get("sandboxjobs.orphans.reaped").counter().count()).isEqualTo(1);
            orphan(engine, "lost-later");
            assertThat(engine.reapOrphans()).isEqualTo(1);
            assertThat(registry.get("sandboxjobs.orphans.reaped").counter().count()).isEqualTo(2);
        }
    }

    /** A sandbox whose row is lost (as when a process dies between writing its container and its row): its container is an orphan. */
    private static void orphan(SandboxEngine engine, String id) {
        engine.getSandbox(id).exec("true");
        assertThat(new SandboxRepository(engine.database()).delete(id)).isTrue();
    }
}
