package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.engine.workflow.internal.SdkSandboxProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's sandbox is destroyed off the run's critical path: the run is recorded as over, its slot
 * freed and its end told to listeners while its container is still being removed; {@code await}
 * and closing the engine wait for the removal. The removal is held up by a provider that blocks
 * {@code destroy} until the test lets it go, so nothing here depends on timing.
 */
@RequiresDocker
class SandboxRemovalTest {
    @TempDir
    Path dir;

    private SandboxEngine engine;
    private JobEngine jobEngine;
    private final CountDownLatch destroyCalled = new CountDownLatch(1);
    private final CountDownLatch letDestroy = new CountDownLatch(1);

    /** The SDK provider whose {@code destroy} waits for {@link #letDestroy}. */
    private final class HeldRemovals implements SandboxProvider {
        private final SdkSandboxProvider sdk = new SdkSandboxProvider(engine, SecretResolver.fromEnvironment());

        @Override
        public StepSandbox create(String runId, SandboxSpec spec) {
            return sdk.create(runId, spec);
        }

        @Override
        public StepSandbox attach(String sandboxId, SandboxSpec spec) {
            return sdk.attach(sandboxId, spec);
        }

        @Override
        public void destroy(String sandboxId) {
            destroyCalled.countDown();
            try {
                letDestroy.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sdk.destroy(sandboxId);
        }

        @Override
        public boolean isAlive(String sandboxId) {
            return sdk.isAlive(sandboxId);
        }

        @Override
        public List<LiveSandbox> liveSandboxes() {
            return sdk.liveSandboxes();
        }
    }

    private JobsWorker worker(Map<String, CountDownLatch> started, Map<String, CountDownLatch> finished) {
        engine = TestEngines.builder(dir).build();
        jobEngine = JobEngine.builder().sandboxEngine(engine).sandboxProvider(new HeldRemovals())
                .options(JobsOptions.defaults().withMaxConcurrentRuns(1)).build();
        JobsWorker jobs = jobEngine.worker();
        jobs.register(Workflow.named("exec-true")
                .sandbox(SandboxSpec.image(TestImages.runtime()))
                .step(Step.of("true", ctx -> ctx.sandbox(Sandbox.class).exec("true").success()
                        ? StepResult.success() : StepResult.failure("exec true failed", null)))
                .build());
        jobs.addListener(new RunListener() {
            @Override
            public void onStarted(RunEvent e) {
                started.computeIfAbsent(e.runId(), k -> new CountDownLatch(1)).countDown();
            }

            @Override
            public void onFinished(RunEvent e) {
                finished.computeIfAbsent(e.runId(), k -> new CountDownLatch(1)).countDown();
            }
        });
        jobs.start();
        return jobs;
    }

    @AfterEach
    void closeAndClean() {
        letDestroy.countDown();
        if (engine != null) {
            String engineId = engine.engineId();
            jobEngine.close();
            engine.close();
            for (String id : DockerLabels.runContainers(engineId)) {
                DockerLabels.dockerTolerant("rm", "-f", id);
            }
        }
    }

    private static CountDownLatch latch(Map<String, CountDownLatch> latches, String runId) {
        return latches.computeIfAbsent(runId, k -> new CountDownLatch(1));
    }

    @Test
    void aRunIsOverAndItsSlotFreeWhileItsContainerIsRemovedAndAwaitReturnsOnceTheContainerIsGone()
            throws Exception {
        Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> finished = new ConcurrentHashMap<>();
        JobsWorker jobs = worker(started, finished);

        String first = jobs.submit(RunRequest.of("exec-true").build()).id();
        assertThat(latch(finished, first).await(2, TimeUnit.MINUTES)).as("the finish event").isTrue();
        assertThat(destroyCalled.await(2, TimeUnit.MINUTES)).isTrue();
        CompletableFuture<Run> awaited = CompletableFuture.supplyAsync(() -> {
            try {
                return jobs.await(first, Duration.ofMinutes(2));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(jobs.get(first).state()).as("stored as over").isEqualTo(RunState.SUCCEEDED);
        assertThat(DockerLabels.containersOfRun(first)).as("its container, still being removed").hasSize(1);
        // one run at a time: the next one starts while the first one's container is still there
        String second = jobs.submit(RunRequest.of("exec-true").build()).id();
        assertThat(latch(started, second).await(2, TimeUnit.MINUTES)).as("the next run started").isTrue();
        assertThat(DockerLabels.containersOfRun(first)).hasSize(1);
        assertThat(awaited).as("await waits for the removal").isNotDone();

        letDestroy.countDown();

        assertThat(awaited.get(2, TimeUnit.MINUTES).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(DockerLabels.containersOfRun(first)).as("gone once await returned").isEmpty();
        assertThat(engine.findSandbox(jobs.get(first).sandboxId())).isEmpty();
        assertThat(jobs.await(second, Duration.ofMinutes(2)).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(DockerLabels.containersOfRun(second)).isEmpty();
    }

    @Test
    void closingTheJobEngineWaitsForTheRemovalsUnderWay() throws Exception {
        Map<String, CountDownLatch> finished = new ConcurrentHashMap<>();
        JobsWorker jobs = worker(new ConcurrentHashMap<>(), finished);
        String run = jobs.submit(RunRequest.of("exec-true").build()).id();
        assertThat(latch(finished, run).await(2, TimeUnit.MINUTES)).isTrue();
        assertThat(destroyCalled.await(2, TimeUnit.MINUTES)).isTrue();
        assertThat(DockerLabels.containersOfRun(run)).hasSize(1);
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            letDestroy.countDown();
        });
        releaser.start();

        jobEngine.close();

        assertThat(DockerLabels.containersOfRun(run)).as("removed before close returned").isEmpty();
        assertThat(engine.listSandboxes()).isEmpty();
        releaser.join();
    }
}
