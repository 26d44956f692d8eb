package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.testing.LegacyDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by 0.1 (main at 041c812: two engine ids, a finished run, a timed run, a cron
 * schedule, a sandbox) opens with today's job engine and keeps its runs and schedules (the sandbox
 * engine's side: {@code SandboxEngineOnADatabaseOfZeroPointOneTest}).
 */
class DatabaseOfZeroPointOneTest {
    @TempDir
    Path dir;

    private static Workflow hello() {
        return Workflow.named("hello").step(Step.of("greet", ctx -> StepResult.success("hi"))).build();
    }

    @Test
    void theJobEngineKeepsTheRunsTheTimedRunAndTheScheduleWithItsQuartzTrigger() throws Exception {
        Path file = LegacyDatabases.main041c812(dir);
        try (JobEngine jobs = JobEngine.builder().databaseFile(file).build()) {
            JobsWorker worker = jobs.worker();
            worker.register(hello());

            Run done = worker.get(LegacyDatabases.MAIN_041C812_DONE_RUN);
            assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(done.result().asText()).isEqualTo("hi");
            assertThat(done.labels()).containsEntry("team", "core");
            Run timed = worker.get(LegacyDatabases.MAIN_041C812_TIMED_RUN);
            assertThat(timed.state()).isEqualTo(RunState.QUEUED);
            assertThat(timed.notBefore()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
            // read from Quartz before start: its trigger was found under the scheduler's new name
            assertThat(worker.schedules()).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo("nightly");
                assertThat(s.nextFireTime()).isNotNull();
            });

            worker.start();
            assertThat(worker.await(worker.submit(RunRequest.of("hello").build()).id(), Duration.ofSeconds(30))
                    .state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(worker.get(LegacyDatabases.MAIN_041C812_TIMED_RUN).state()).isEqualTo(RunState.QUEUED);
            // the two runs of 0.1 and the one submitted here; the nightly schedule may also have fired
            // once on start (its stored next fire time passes as the wall clock moves on: a misfire)
            assertThat(worker.list(RunQuery.all()).items()).filteredOn(r -> r.scheduleId() == null).hasSize(3);
            assertThat(worker.list(RunQuery.all()).items()).filteredOn(r -> r.scheduleId() != null)
                    .allSatisfy(r -> assertThat(r.scheduleId()).isEqualTo("nightly")).hasSizeLessThanOrEqualTo(1);
        }
    }
}
