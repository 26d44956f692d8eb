package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client on its own connection pool (as another process would be) beside the engine that runs the jobs. */
class JobsClientTest {
    @TempDir
    Path dir;

    private RealJobsWorker worker;
    private Database clientDb;
    private RealJobsClient client;
    private final CountDownLatch slowStarted = new CountDownLatch(1);

    private Workflow quick() {
        return Workflow.named("quick").step(Step.of("s", ctx -> StepResult.success("done"))).build();
    }

    private Workflow slow() {
        return Workflow.named("slow").step(Step.of("sleep", ctx -> {
            slowStarted.countDown();
            Thread.sleep(ctx.parameter("millis", Long.class).orElse(60_000L));
            return StepResult.success();
        })).build();
    }

    @BeforeEach
    void open() {
        worker = RealJobsWorker.openSqlite(dir.resolve("jobs.db"), Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults(), null);
        clientDb = Database.openSqlite(dir.resolve("jobs.db"));
        client = RealJobsClient.over(clientDb, Clock.systemUTC(), new ObjectMapper(), JobsOptions.defaults());
        for (JobsClient e : new JobsClient[] {worker, client}) {
            e.register(quick());
            e.register(slow());
        }
    }

    @AfterEach
    void close() {
        client.close();
        clientDb.close();
        worker.close();
    }

    @Test
    void aClientTakesNoLockAndSubmitsRunsThatTheEngineHoldingTheDatabaseExecutes() throws Exception {
        worker.start();
        assertThat(RealJobsWorker.workerPid(clientDb)).contains(ProcessHandle.current().pid());

        Run run = client.submit(RunRequest.of("quick").build());
        Run done = client.await(run.id(), Duration.ofSeconds(15));

        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.result().asText()).isEqualTo("done");
    }

    @Test
    void aTimedRunSubmittedByAClientWaitsUntilItsTimeThenTheEngineRunsIt() throws Exception {
        worker.start();
        Instant at = Instant.now().plusSeconds(2);

        Run run = client.submitAt(RunRequest.of("quick").build(), at);
        assertThat(run.notBefore()).isEqualTo(at);
        assertThat(client.get(run.id()).state()).isEqualTo(RunState.QUEUED);
        Run done = client.await(run.id(), Duration.ofSeconds(20));

        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.startedAt()).isAfterOrEqualTo(at.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void schedulesAddedPausedAndDeletedByAClientAreFollowedByTheRunningEngine() throws Exception {
        worker.start();
        var request = ScheduleRequest.cron("every-second", "* * * * * ?",
                RunRequest.of("quick").build());

        var added = client.schedule(request);
        assertThat(added.nextFireTime()).isNotNull();
        assertThat(awaitRunsOf("every-second", 1, Duration.ofSeconds(20))).isTrue();

        client.pauseSchedule("every-second");
        Thread.sleep(2_500);   // the engine syncs every second; a fire already under way may still land
        int whilePaused = runsOf("every-second");
        Thread.sleep(2_500);
        assertThat(runsOf("every-second")).isEqualTo(whilePaused);
        assertThat(worker.schedules().get(0).paused()).isTrue();

        client.resumeSchedule("every-second");
        assertThat(awaitRunsOf("every-second", whilePaused + 1, Duration.ofSeconds(20))).isTrue();

        assertThat(client.deleteSchedule("every-second")).isTrue();
        Thread.sleep(2_500);
        int afterDelete = runsOf("every-second");
        Thread.sleep(2_500);
        assertThat(runsOf("every-second")).isEqualTo(afterDelete);
    }

    private int runsOf(String scheduleId) {
        return (int) client.list(RunQuery.all().limit(1000)).items().stream()
                .filter(r -> scheduleId.equals(r.scheduleId())).count();
    }

    private boolean awaitRunsOf(String scheduleId, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (runsOf(scheduleId) >= count) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void aClientCannotStart() {
        // it has no start(): starting a client is a compile error now, not INVALID_ARGUMENT at run time
        assertThat(client).isNotInstanceOf(JobsWorker.class);
    }

    @Test
    void cancellingFromAClientStopsARunTheEngineExecutes() throws Exception {
        worker.start();
        Run run = client.submit(RunRequest.of("slow").build());
        assertThat(slowStarted.await(15, TimeUnit.SECONDS)).isTrue();

        CancelResult result = client.cancel(run.id());
        Run over = client.await(run.id(), Duration.ofSeconds(15));

        assertThat(result.changed()).isTrue();
        assertThat(over.state()).isEqualTo(RunState.CANCELLED);
    }

    @Test
    void shutdownLetsARunInFlightFinishWithinTheGraceAndStartsNoOther() throws Exception {
        worker.start();
        Run inFlight = worker.submit(RunRequest.of("slow").parameters(Map.of("millis", 1_000)).build());
        assertThat(slowStarted.await(15, TimeUnit.SECONDS)).isTrue();

        Thread shutdown = new Thread(() -> {
            try {
                worker.shutdown(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        shutdown.start();
        Thread.sleep(100);
        Run queued = client.submit(RunRequest.of("quick").build());
        shutdown.join(30_000);

        assertThat(client.get(inFlight.id()).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(client.get(queued.id()).state()).isEqualTo(RunState.QUEUED);
    }

    @Test
    void shutdownLeavesARunStillRunningAfterTheGraceForTheNextEngine() throws Exception {
        worker.start();
        Run inFlight = worker.submit(RunRequest.of("slow").build());
        assertThat(slowStarted.await(15, TimeUnit.SECONDS)).isTrue();

        boolean allFinished = worker.shutdown(Duration.ofMillis(200));

        assertThat(allFinished).isFalse();
        assertThat(client.get(inFlight.id()).state()).isEqualTo(RunState.RUNNING);
    }
}
