package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a real engine process mid-step, then a new engine on the same database finishes the work. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void afterKillMinus9ANewEngineResumesInFlightRunsWithoutRedoingFinishedStepsAndRunsTheQueuedOnes()
            throws Exception {
        Path db = dir.resolve("jobs.db");
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("hang"), "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), db.toString(), work.toString(), "4")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (readyCount(work) < 2 && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(readyCount(work)).as("two runs reached the hanging step; child log:\n%s",
                    Files.exists(dir.resolve("child.log")) ? Files.readString(dir.resolve("child.log")) : "")
                    .isEqualTo(2);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        Files.delete(work.resolve("hang"));
        List<String> ids = Files.readAllLines(work.resolve("run-ids"));
        List<String> inFlight;
        try (Stream<Path> s = Files.list(work)) {
            inFlight = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ready-"))
                    .map(n -> n.substring("ready-".length())).toList();
        }
        assertThat(ids).hasSize(4).containsAll(inFlight);

        try (RealJobsWorker jobs = RealJobsWorker.openSqlite(db, Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults(), null)) {
            jobs.register(CrashChild.workflow(work));
            for (String id : inFlight) {
                Run before = jobs.get(id);
                assertThat(before.state()).isEqualTo(RunState.RUNNING);
                assertThat(before.step("first").state()).isEqualTo(RunState.SUCCEEDED);
                assertThat(before.step("second").state()).isEqualTo(RunState.RUNNING);
            }
            assertThat(jobs.schedules()).extracting(Schedule::id).containsExactly("hourly");
            jobs.start();
            for (String id : ids) {
                Run run = jobs.await(id, Duration.ofSeconds(30));
                assertThat(run.state()).as(id).isEqualTo(RunState.SUCCEEDED);
                assertThat(run.result().asText()).endsWith(", second, third");
                assertThat(CrashChild.executions(work, id, "first")).as("first step of " + id).isEqualTo(1);
                assertThat(CrashChild.executions(work, id, "third")).isEqualTo(1);
                assertThat(jobs.logs(id, 0, 10)).extracting(LogLine::text).containsExactly("first done");
            }
            for (String id : inFlight) {
                Run run = jobs.get(id);
                assertThat(CrashChild.executions(work, id, "second")).as("interrupted step runs again").isEqualTo(2);
                assertThat(run.attempt()).isEqualTo(2);
                assertThat(run.step("first").attempt()).isEqualTo(1);
                assertThat(run.step("second").attempt()).isEqualTo(2);
            }
            for (String id : ids.stream().filter(i -> !inFlight.contains(i)).toList()) {
                assertThat(CrashChild.executions(work, id, "second")).isEqualTo(1);
                assertThat(jobs.get(id).attempt()).isEqualTo(1);
            }
            assertThat(jobs.db.integrityCheck()).isEqualTo("ok");
        }
    }

    private static long readyCount(Path work) throws Exception {
        try (Stream<Path> s = Files.list(work)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ready-")).count();
        }
    }
}
