package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown under load ({@link GracefulShutdownLoad}): plain and sandboxed runs are in
 * their second step when the engine is asked to stop with a grace period, in-process
 * ({@link JobsWorker#shutdown}) and by SIGTERM to an engine JVM. The steps that end within the grace
 * period complete normally; the others are recovered by the next engine and every run ends
 * SUCCEEDED exactly once, no completed step is executed again and no container is left.
 */
@RequiresDocker
@Tag("reliability")
class GracefulShutdownTest {
    private static final Duration GRACE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void shutdownLetsStepsWithinTheGraceFinishAndTheNextEngineRecoversTheRestExactlyOnce() throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path work = Files.createDirectories(dir.resolve("work"));
        List<String> ids;
        String engineId;
        boolean allFinished;
        try (SandboxEngine engine = GracefulShutdownLoad.engine(dataDir);
             JobEngine jobEngine = GracefulShutdownLoad.jobs(engine)) {
            engineId = engine.engineId();
            JobsWorker jobs = jobEngine.worker();
            GracefulShutdownLoad.register(jobs, work);
            jobs.start();
            ids = GracefulShutdownLoad.submit(jobs);
            awaitSecondSteps(work, ids);
            allFinished = jobs.shutdown(GRACE);
        }
        assertThat(allFinished).as("the slow runs did not finish in the grace period").isFalse();
        checkAfterStopAndRecover(dataDir, work, ids, engineId);
    }

    @Test
    void sigtermToAnEngineJvmLetsStepsWithinTheGraceFinishAndTheNextEngineRecoversTheRestExactlyOnce() throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path work = Files.createDirectories(dir.resolve("work"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("sandboxjobs.test.image") != null) {
            command.add("-Dsandboxjobs.test.image=" + System.getProperty("sandboxjobs.test.image"));
        }
        command.addAll(List.of(GracefulShutdownLoad.class.getName(), dataDir.toString(), work.toString(),
                String.valueOf(GRACE.toMillis())));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<String> ids;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(work.resolve("runs")) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.exists(work.resolve("runs"))).as("child started; log:\n%s", Files.readString(log)).isTrue();
            ids = Files.readAllLines(work.resolve("runs"));
            awaitSecondSteps(work, ids);
            child.destroy();   // SIGTERM
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the engine JVM exits after SIGTERM").isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("exit status after SIGTERM (128 + 15); log:\n%s", Files.readString(log))
                .isEqualTo(143);
        assertThat(Files.readString(work.resolve("stopped"))).as("the hook ran; slow runs did not finish").isEqualTo("false");
        checkAfterStopAndRecover(dataDir, work, ids, Files.readString(work.resolve("engine-id")));
    }

    private static void awaitSecondSteps(Path work, List<String> ids) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        for (String id : ids) {
            while (GracefulShutdownLoad.count(work, id, "two", "start") == 0) {
                assertThat(System.nanoTime()).as("run %s reached its second step", id).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static void checkAfterStopAndRecover(Path dataDir, Path work, List<String> ids, String engineId)
            throws Exception {
        String fastPlain = ids.get(0);
        String slowPlain = ids.get(1);
        String fastBoxed = ids.get(2);
        String slowBoxed = ids.get(3);
        try {
            try (SandboxEngine engine = GracefulShutdownLoad.engine(dataDir);
                 JobEngine jobEngine = GracefulShutdownLoad.jobs(engine)) {
                JobsWorker jobs = jobEngine.worker();
                for (String id : List.of(fastPlain, fastBoxed)) {
                    Run run = jobs.get(id);
                    assertThat(run.state()).as("%s finished within the grace: %s", id, run.failure())
                            .isEqualTo(RunState.SUCCEEDED);
                }
                for (String id : List.of(slowPlain, slowBoxed)) {
                    Run run = jobs.get(id);
                    assertThat(run.state()).as("%s is left running for the next engine: %s", id, run.failure())
                            .isEqualTo(RunState.RUNNING);
                    assertThat(run.steps().get(0).state()).isEqualTo(RunState.SUCCEEDED);
                    assertThat(GracefulShutdownLoad.count(work, id, "two", "done")).isZero();
                }
            }
            Files.writeString(work.resolve("release"), "");
            try (SandboxEngine engine = GracefulShutdownLoad.engine(dataDir);
                 JobEngine jobEngine = GracefulShutdownLoad.jobs(engine)) {
                JobsWorker jobs = jobEngine.worker();
                GracefulShutdownLoad.register(jobs, work);
                jobs.start();
                for (String id : ids) {
                    Run run = jobs.await(id, Duration.ofMinutes(3));
                    assertThat(run.state()).as("%s %s", id, run.failure()).isEqualTo(RunState.SUCCEEDED);
                    for (String step : GracefulShutdownLoad.STEPS) {
                        assertThat(GracefulShutdownLoad.count(work, id, step, "done")).as("%s %s completed once", id, step)
                                .isEqualTo(1);
                    }
                    assertThat(GracefulShutdownLoad.count(work, id, "one", "start")).as("%s: step one not redone", id)
                            .isEqualTo(1);
                }
                for (String id : List.of(fastPlain, fastBoxed)) {
                    assertThat(GracefulShutdownLoad.count(work, id, "two", "start")).as("%s ran step two once", id)
                            .isEqualTo(1);
                }
                for (String id : List.of(slowPlain, slowBoxed)) {
                    assertThat(GracefulShutdownLoad.count(work, id, "two", "start"))
                            .as("%s: the interrupted step ran again after recovery", id).isEqualTo(2);
                }
                assertThat(engine.database().integrityCheck()).isEqualTo("ok");
                assertThat(engine.listSandboxes()).as("no sandbox left").isEmpty();
                assertThat(DockerLabels.runContainers(engineId)).as("no container of the runs is left").isEmpty();
            }
        } finally {
            for (String id : DockerLabels.runContainers(engineId)) {
                DockerLabels.dockerTolerant("rm", "-f", id);
            }
        }
    }
}
