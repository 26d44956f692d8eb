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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real engine process whose runs are mid-step in real sandboxes; a new engine on the
 * same database resumes them in their surviving sandboxes or restarts them in new ones.
 */
@RequiresDocker
class SandboxedCrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void afterKillMinus9RunsResumeInTheirSurvivingSandboxOrRestartInANewOneAndNoContainerIsLeft() throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("hang"), "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("sandboxjobs.test.image") != null) {
            command.add("-Dsandboxjobs.test.image=" + System.getProperty("sandboxjobs.test.image"));
        }
        command.addAll(List.of(SandboxedCrashChild.class.getName(), dataDir.toString(), work.toString(), "3"));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        String engineId = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (ready(work).size() < 2 && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(ready(work)).as("two runs reached the hanging step in their sandboxes; child log:\n%s",
                    Files.exists(dir.resolve("child.log")) ? Files.readString(dir.resolve("child.log")) : "")
                    .hasSize(2);
            engineId = Files.readString(work.resolve("engine-id"));
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        Files.delete(work.resolve("hang"));
        List<String> ids = Files.readAllLines(work.resolve("run-ids"));
        List<String> inFlight = ready(work);
        assertThat(ids).hasSize(3).containsAll(inFlight);
        String survivor = inFlight.get(0);
        String lost = inFlight.get(1);
        String queued = ids.stream().filter(i -> !inFlight.contains(i)).findFirst().orElseThrow();
        String survivorSandbox = Files.readString(work.resolve("ready-" + survivor));
        String lostSandbox = Files.readString(work.resolve("ready-" + lost));
        assertThat(DockerLabels.containersOfRun(survivor)).as("sandboxes outlive the killed JVM").hasSize(1);
        // the sandbox of one run disappears while no engine runs
        DockerLabels.docker("rm", "-f", DockerLabels.containersOfRun(lost).get(0));

        try (SandboxEngine engine = SandboxedCrashChild.engine(dataDir); JobEngine jobEngine = SandboxedCrashChild.jobs(engine)) {
            assertThat(engine.engineId()).isEqualTo(engineId);
            JobsWorker jobs = jobEngine.worker();
            jobs.register(SandboxedCrashChild.workflow(work));
            assertThat(jobs.get(survivor).state()).isEqualTo(RunState.RUNNING);
            assertThat(jobs.get(survivor).step("first").state()).isEqualTo(RunState.SUCCEEDED);
            jobs.start();
            for (String id : ids) {
                Run run = jobs.await(id, Duration.ofMinutes(3));
                assertThat(run.state()).as("%s: %s", id, run.failure()).isEqualTo(RunState.SUCCEEDED);
                assertThat(SandboxedCrashChild.hostExecutions(work, id, "third")).isEqualTo(1);
            }

            Run resumed = jobs.get(survivor);
            assertThat(resumed.result().get("sandbox").asText()).as("resumed in its surviving sandbox")
                    .isEqualTo(survivorSandbox);
            assertThat(resumed.result().get("counts").asText())
                    .as("in the sandbox: the finished first step was not redone, the interrupted one ran again")
                    .isEqualTo("first=1 second=2");
            assertThat(SandboxedCrashChild.hostExecutions(work, survivor, "first")).isEqualTo(1);
            assertThat(resumed.attempt()).isEqualTo(2);

            Run restarted = jobs.get(lost);
            assertThat(restarted.result().get("sandbox").asText()).as("restarted in a new sandbox")
                    .isNotEqualTo(lostSandbox);
            assertThat(restarted.result().get("counts").asText()).isEqualTo("first=1 second=1");
            assertThat(SandboxedCrashChild.hostExecutions(work, lost, "first")).as("from the first step").isEqualTo(2);

            Run fresh = jobs.get(queued);
            assertThat(fresh.attempt()).isEqualTo(1);
            assertThat(fresh.result().get("counts").asText()).isEqualTo("first=1 second=1");

            assertThat(DockerLabels.runContainers(engineId)).as("no container of this engine's runs is left").isEmpty();
            assertThat(engine.listSandboxes()).isEmpty();
        } finally {
            if (engineId != null) {
                for (String id : DockerLabels.runContainers(engineId)) {
                    DockerLabels.docker("rm", "-f", id);
                }
            }
        }
    }

    private static List<String> ready(Path work) throws Exception {
        try (Stream<Path> s = Files.list(work)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ready-"))
                    .map(n -> n.substring("ready-".length())).sorted().toList();
        }
    }
}
