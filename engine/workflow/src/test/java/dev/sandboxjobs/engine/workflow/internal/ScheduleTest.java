package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.MisfirePolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleTest {
    @TempDir
    Path dir;

    private RealJobsWorker open() {
        RealJobsWorker jobs = RealJobsWorker.openSqlite(dir.resolve("jobs.db"), Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults(), null);
        jobs.register(Workflow.named("tick").step(Step.of("s", ctx -> StepResult.success(
                ctx.parameter("who", String.class).orElse("?")))).build());
        return jobs;
    }

    private static List<Run> runsOf(RealJobsWorker jobs, String scheduleId) {
        return jobs.list(RunQuery.all().limit(1000)).items().stream()
                .filter(r -> scheduleId.equals(r.scheduleId())).toList();
    }

    private static void waitFor(RealJobsWorker jobs, String scheduleId, int count, Duration max) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (runsOf(jobs, scheduleId).stream().filter(r -> r.state() == RunState.SUCCEEDED).count() >= count) {
                return;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aCronScheduleFiresRepeatedlyAndSurvivesARestart() throws Exception {
        ScheduleRequest every = ScheduleRequest.cron("every-second", "* * * * * ?",
                RunRequest.of("tick").parameters(Map.of("who", "cron")).build());
        int before;
        try (RealJobsWorker jobs = open()) {
            jobs.start();
            Schedule s = jobs.schedule(every);
            assertThat(s.nextFireTime()).isNotNull();
            assertThat(s.workflow()).isEqualTo("tick");
            waitFor(jobs, "every-second", 3, Duration.ofSeconds(20));
            List<Run> runs = runsOf(jobs, "every-second");
            assertThat(runs.stream().filter(r -> r.state() == RunState.SUCCEEDED).count()).isGreaterThanOrEqualTo(3);
            assertThat(jobs.get(runs.get(0).id()).result().asText()).isEqualTo("cron");
            assertThat(runs.stream().map(Run::idempotencyKey).collect(Collectors.toSet())).hasSize(runs.size());
            before = runs.size();
        }
        try (RealJobsWorker jobs = open()) {
            assertThat(jobs.schedules()).extracting(Schedule::id).containsExactly("every-second");
            jobs.start();
            waitFor(jobs, "every-second", before + 2, Duration.ofSeconds(20));
            assertThat(runsOf(jobs, "every-second").stream().filter(r -> r.state() == RunState.SUCCEEDED).count())
                    .isGreaterThanOrEqualTo(before + 2);
        }
    }

    @Test
    void triggeringAPausedScheduleQueuesOneRunWithItsParametersAndLeavesItPaused() throws Exception {
        try (RealJobsWorker jobs = open()) {
            jobs.start();
            jobs.schedule(ScheduleRequest.cron("nightly", "0 0 3 * * ?",
                    RunRequest.of("tick").parameters(Map.of("who", "by hand")).label("team", "core").build()));
            jobs.pauseSchedule("nightly");

            Run run = jobs.triggerSchedule("nightly");

            assertThat(run.scheduleId()).isEqualTo("nightly");
            assertThat(run.labels()).containsEntry("team", "core");
            assertThat(jobs.await(run.id(), Duration.ofSeconds(20)).result().asText()).isEqualTo("by hand");
            assertThat(jobs.schedules()).singleElement().satisfies(s -> assertThat(s.paused()).isTrue());
            assertThatThrownBy(() -> jobs.triggerSchedule("no-such-schedule")).isInstanceOfSatisfying(JobException.class,
                    e -> assertThat(e.code()).isEqualTo(JobErrorCode.SCHEDULE_NOT_FOUND));
        }
    }

    @Test
    void aPausedScheduleDoesNotFireUntilResumedAndADeletedOneNeverAgain() throws Exception {
        try (RealJobsWorker jobs = open()) {
            jobs.start();
            jobs.schedule(ScheduleRequest.cron("s", "* * * * * ?", RunRequest.of("tick").build())
                    .withMisfirePolicy(MisfirePolicy.SKIP));
            Schedule paused = jobs.pauseSchedule("s");
            assertThat(paused.paused()).isTrue();
            assertThat(paused.nextFireTime()).isNull();
            Thread.sleep(300);
            int atPause = runsOf(jobs, "s").size();
            Thread.sleep(2_000);
            assertThat(runsOf(jobs, "s")).hasSize(atPause);

            Schedule resumed = jobs.resumeSchedule("s");
            assertThat(resumed.paused()).isFalse();
            waitFor(jobs, "s", atPause + 1, Duration.ofSeconds(10));
            assertThat(runsOf(jobs, "s").size()).isGreaterThan(atPause);

            assertThat(jobs.deleteSchedule("s")).isTrue();
            assertThat(jobs.deleteSchedule("s")).isFalse();
            assertThat(jobs.schedules()).isEmpty();
            Thread.sleep(300);
            int atDelete = runsOf(jobs, "s").size();
            Thread.sleep(1_500);
            assertThat(runsOf(jobs, "s")).hasSize(atDelete);
        }
    }

    @Test
    void aRunSubmittedForLaterSurvivesARestartAndFiresOnce() throws Exception {
        String id;
        Instant at = Instant.now().plusSeconds(2);
        try (RealJobsWorker jobs = open()) {
            jobs.start();
            id = jobs.submitAt(RunRequest.of("tick").build(), at).id();
            assertThat(jobs.get(id).notBefore()).isEqualTo(at.truncatedTo(ChronoUnit.MILLIS));
        }
        try (RealJobsWorker jobs = open()) {
            assertThat(jobs.get(id).state()).isEqualTo(RunState.QUEUED);
            jobs.start();
            Run run = jobs.await(id, Duration.ofSeconds(20));
            assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.attempt()).isEqualTo(1);
            assertThat(run.startedAt()).isAfterOrEqualTo(at.minusMillis(5));
        }
    }

    @Test
    void aScheduleIdCanOnlyBeUsedOnce() {
        try (RealJobsWorker jobs = open()) {
            jobs.schedule(ScheduleRequest.cron("nightly", "0 0 2 * * ?", RunRequest.of("tick").build()));
            assertThatThrownBy(() -> jobs.schedule(ScheduleRequest.cron("nightly", "0 0 3 * * ?",
                    RunRequest.of("tick").build())))
                    .isInstanceOfSatisfying(JobException.class,
                            e -> assertThat(e.code()).isEqualTo(JobErrorCode.SCHEDULE_EXISTS));
            assertThat(jobs.schedules()).extracting(Schedule::cron).containsExactly("0 0 2 * * ?");
            assertThat(Set.of(MisfirePolicy.values())).contains(jobs.schedules().get(0).misfirePolicy());
        }
    }
}
