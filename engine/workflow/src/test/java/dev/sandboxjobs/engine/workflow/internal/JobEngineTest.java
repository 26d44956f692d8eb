package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.InfrastructureFault;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.LogFollow;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.ParameterValidator;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobEngineTest {
    @TempDir
    Path dir;

    private final List<RealJobsWorker> engines = new ArrayList<>();

    /** Opens a worker on this test's database (the same database each call). */
    protected RealJobsWorker open(JobsOptions options) {
        return RealJobsWorker.openSqlite(dir.resolve("jobs.db"), Clock.systemUTC(), new ObjectMapper(), options, null);
    }

    private RealJobsWorker engine(JobsOptions options) {
        RealJobsWorker e = open(options);
        engines.add(e);
        return e;
    }

    private RealJobsWorker engine() {
        return engine(JobsOptions.defaults().withMaxConcurrentRuns(4));
    }

    @AfterEach
    void closeEngines() {
        Collections.reverse(engines);
        engines.forEach(RealJobsWorker::close);
    }

    private static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }

    @Test
    void aRunGoesFromQueuedToSucceededAndRecordsEachStep() throws Exception {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("greet")
                .parameters(ParameterValidator.required("name"))
                .step(Step.of("hello", ctx -> {
                    ctx.log().info("saying hello");
                    return StepResult.success(Map.of("greeting", "hello " + ctx.parameter("name", String.class).get()));
                }))
                .step(Step.of("shout", ctx -> {
                    ctx.artifacts().put("out.txt", "HI".getBytes(StandardCharsets.UTF_8));
                    return StepResult.success(ctx.result("hello").get("greeting").asText().toUpperCase());
                }))
                .build());
        Run queued = jobs.submit(RunRequest.of("greet").parameters(Map.of("name", "ada")).label("team", "x").build());
        assertThat(queued.state()).isEqualTo(RunState.QUEUED);
        assertThat(jobs.get(queued.id()).state()).isEqualTo(RunState.QUEUED);

        jobs.start();
        Run done = jobs.await(queued.id(), seconds(10));

        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
        assertThat(done.result().asText()).isEqualTo("HELLO ADA");
        assertThat(done.labels()).containsEntry("team", "x");
        assertThat(done.steps()).extracting(s -> s.state()).containsExactly(RunState.SUCCEEDED, RunState.SUCCEEDED);
        assertThat(done.step("hello").result().get("greeting").asText()).isEqualTo("hello ada");
        assertThat(done.step("hello").attempt()).isEqualTo(1);
        assertThat(jobs.logs(done.id(), 0, 100)).extracting(LogLine::text).containsExactly("saying hello");
        assertThat(jobs.logs(done.id(), 0, 100)).extracting(LogLine::step).containsExactly("hello");
        assertThat(jobs.artifacts(done.id())).extracting(a -> a.name() + "@" + a.step() + ":" + a.size())
                .containsExactly("out.txt@shout:2");
        assertThat(new String(jobs.readArtifact(done.id(), "out.txt"), StandardCharsets.UTF_8)).isEqualTo("HI");
    }

    @Test
    void aFailedResultFailsTheRunWithoutARetryAndSkipsTheRest() throws Exception {
        RealJobsWorker jobs = engine();
        AtomicInteger executions = new AtomicInteger();
        jobs.register(Workflow.named("red").retry(RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(10),
                        Duration.ofMillis(10)))
                .step(Step.of("test", ctx -> {
                    executions.incrementAndGet();
                    return StepResult.failure("2 tests failed", Map.of("failed", 2));
                }))
                .step(Step.of("report", ctx -> StepResult.success()))
                .build());
        jobs.start();
        Run run = jobs.await(jobs.submit(RunRequest.of("red").build()).id(), seconds(10));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(executions).hasValue(1);
        assertThat(run.failure().type()).isEqualTo("StepResult.failure");
        assertThat(run.failure().message()).isEqualTo("2 tests failed");
        assertThat(run.failure().retryable()).isFalse();
        assertThat(run.step("test").state()).isEqualTo(RunState.FAILED);
        assertThat(run.step("test").result().get("failed").asInt()).isEqualTo(2);
        assertThat(run.step("report").state()).isEqualTo(RunState.CANCELLED);
    }

    @Test
    void aFailedResultIsRetriedWhenThePolicySaysSo() throws Exception {
        RealJobsWorker jobs = engine();
        AtomicInteger executions = new AtomicInteger();
        jobs.register(Workflow.named("flaky-suite")
                .step(Step.of("test", ctx -> executions.incrementAndGet() < 2
                        ? StepResult.failure("flaky", null) : StepResult.success("green")))
                .build());
        jobs.start();
        Run run = jobs.await(jobs.submit(RunRequest.of("flaky-suite").retry(RetryPolicy.attempts(3)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(10)).retryingFailedResults()).build()).id(),
                seconds(10));
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(run.failure()).isNull();
    }

    @Test
    void aStepThatThrowsFailsTheRunWithItsStackTraceAndIsNotRetried() throws Exception {
        RealJobsWorker jobs = engine();
        AtomicInteger executions = new AtomicInteger();
        jobs.register(Workflow.named("bug").retry(RetryPolicy.attempts(3))
                .step(Step.of("npe", ctx -> {
                    executions.incrementAndGet();
                    throw new NullPointerException("oops");
                }))
                .build());
        jobs.start();
        Run run = jobs.await(jobs.submit(RunRequest.of("bug").build()).id(), seconds(10));
        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(executions).hasValue(1);
        assertThat(run.failure().type()).isEqualTo(NullPointerException.class.getName());
        assertThat(run.failure().message()).isEqualTo("oops");
        assertThat(run.failure().stackTrace()).contains("JobEngineTest");
        assertThat(run.step("npe").failure().retryable()).isFalse();
    }

    @Test
    void infrastructureFaultsAreRetriedWithExponentialBackoff() throws Exception {
        RealJobsWorker jobs = engine();
        List<Long> starts = new CopyOnWriteArrayList<>();
        jobs.register(Workflow.named("shaky")
                .step(Step.of("once", ctx -> StepResult.success("first step")))
                .step(Step.of("call", ctx -> {
                    starts.add(System.nanoTime());
                    if (starts.size() < 3) {
                        throw new InfrastructureFault("docker went away");
                    }
                    return StepResult.success("ok");
                }))
                .build());
        jobs.start();
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0, 0.0, false);
        Run run = jobs.await(jobs.submit(RunRequest.of("shaky").retry(policy).build()).id(), seconds(20));

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.attempt()).isEqualTo(3);
        assertThat(run.step("call").attempt()).isEqualTo(3);
        assertThat(run.step("once").attempt()).as("a sandbox-less workflow keeps its finished steps").isEqualTo(1);
        assertThat(starts).hasSize(3);
        long firstGap = TimeUnit.NANOSECONDS.toMillis(starts.get(1) - starts.get(0));
        long secondGap = TimeUnit.NANOSECONDS.toMillis(starts.get(2) - starts.get(1));
        assertThat(firstGap).isGreaterThanOrEqualTo(200);
        assertThat(secondGap).isGreaterThanOrEqualTo(400);
    }

    @Test
    void retriesStopAfterMaxAttempts() throws Exception {
        RealJobsWorker jobs = engine();
        AtomicInteger executions = new AtomicInteger();
        jobs.register(Workflow.named("down").retry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10),
                        2.0, 0.5, false))
                .step(Step.of("call", ctx -> {
                    executions.incrementAndGet();
                    throw new IOException("connection refused");
                }))
                .build());
        jobs.start();
        Run run = jobs.await(jobs.submit(RunRequest.of("down").build()).id(), seconds(10));
        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(executions).hasValue(2);
        assertThat(run.failure().retryable()).isTrue();
        assertThat(run.failure().type()).isEqualTo("java.io.IOException");
    }

    @Test
    void aStepPastItsTimeoutIsInterruptedAndTheRunTimesOut() throws Exception {
        RealJobsWorker jobs = engine();
        CountDownLatch interrupted = new CountDownLatch(1);
        jobs.register(Workflow.named("hang")
                .step(Step.of("sleep", Duration.ofMillis(300), ctx -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return StepResult.success();
                }))
                .step(Step.of("after", ctx -> StepResult.success()))
                .build());
        jobs.start();
        Run run = jobs.await(jobs.submit(RunRequest.of("hang").build()).id(), seconds(10));
        assertThat(run.state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(run.step("sleep").state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(run.step("after").state()).isEqualTo(RunState.CANCELLED);
        assertThat(run.failure().message()).contains("Step sleep exceeded its timeout");
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRunPastItsTimeoutTimesOutEvenIfTheStepIgnoresInterrupts() throws Exception {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("stubborn")
                .step(Step.of("spin", ctx -> {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    return StepResult.success();
                }))
                .build());
        jobs.start();
        Run run = jobs.await(jobs.submit(RunRequest.of("stubborn").timeout(Duration.ofMillis(300)).build()).id(),
                seconds(2));
        assertThat(run.state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(run.failure().message()).contains("The run exceeded its timeout");
    }

    @Test
    void cancellingAQueuedRunMeansItNeverStarts() {
        RealJobsWorker jobs = engine();
        AtomicInteger executions = new AtomicInteger();
        jobs.register(Workflow.named("w").step(Step.of("s", ctx -> {
            executions.incrementAndGet();
            return StepResult.success();
        })).build());
        Run run = jobs.submit(RunRequest.of("w").build());
        CancelResult result = jobs.cancel(run.id());
        assertThat(result.changed()).isTrue();
        assertThat(result.state()).isEqualTo(RunState.CANCELLED);
        jobs.start();
        assertThat(jobs.get(run.id()).state()).isEqualTo(RunState.CANCELLED);
        assertThat(jobs.get(run.id()).step("s").state()).isEqualTo(RunState.CANCELLED);
        assertThat(executions).hasValue(0);
    }

    @Test
    void cancellingARunningRunInterruptsItAndCancellingAgainIsANoOpThatSaysSo() throws Exception {
        RealJobsWorker jobs = engine();
        CountDownLatch started = new CountDownLatch(1);
        jobs.register(Workflow.named("long").step(Step.of("wait", ctx -> {
            started.countDown();
            while (true) {
                ctx.checkCancelled();
                Thread.sleep(10);
            }
        })).build());
        jobs.start();
        Run run = jobs.submit(RunRequest.of("long").build());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        CancelResult first = jobs.cancel(run.id());
        Run done = jobs.await(run.id(), seconds(10));
        CancelResult second = jobs.cancel(run.id());

        assertThat(first.changed()).isTrue();
        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(done.step("wait").state()).isEqualTo(RunState.CANCELLED);
        assertThat(second.changed()).isFalse();
        assertThat(second.state()).isEqualTo(RunState.CANCELLED);
        assertThat(second.message()).contains("already CANCELLED");
    }

    @Test
    void aSecondSubmitWithTheSameIdempotencyKeyReturnsTheFirstRun() throws Exception {
        RealJobsWorker jobs = engine();
        AtomicInteger executions = new AtomicInteger();
        jobs.register(Workflow.named("w").step(Step.of("s", ctx -> {
            executions.incrementAndGet();
            return StepResult.success();
        })).build());
        jobs.start();
        Run first = jobs.submit(RunRequest.of("w").idempotencyKey("deploy-42").build());
        jobs.await(first.id(), seconds(10));
        Run second = jobs.submit(RunRequest.of("w").idempotencyKey("deploy-42").build());
        Run other = jobs.submit(RunRequest.of("w").idempotencyKey("deploy-43").build());
        jobs.await(other.id(), seconds(10));

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(executions).hasValue(2);
    }

    @Test
    void concurrencyLimitsHoldGloballyAndPerWorkflow() throws Exception {
        RealJobsWorker jobs = engine(JobsOptions.defaults().withMaxConcurrentRuns(3)
                .withWorkflowLimits(Map.of("narrow", 1)));
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger narrowNow = new AtomicInteger();
        AtomicInteger narrowMax = new AtomicInteger();
        for (String name : List.of("wide", "narrow")) {
            jobs.register(Workflow.named(name).step(Step.of("work", ctx -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                if (name.equals("narrow")) {
                    narrowMax.accumulateAndGet(narrowNow.incrementAndGet(), Math::max);
                }
                Thread.sleep(50);
                if (name.equals("narrow")) {
                    narrowNow.decrementAndGet();
                }
                now.decrementAndGet();
                return StepResult.success();
            })).build());
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(jobs.submit(RunRequest.of(i % 2 == 0 ? "wide" : "narrow").build()).id());
        }
        jobs.start();
        for (String id : ids) {
            assertThat(jobs.await(id, seconds(30)).state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(max.get()).isBetween(2, 3);
        assertThat(narrowMax).hasValue(1);
    }

    @Test
    void aWorkflowAtItsLimitDoesNotHoldBackOtherWorkflowsQueuedBehindIt() throws Exception {
        RealJobsWorker jobs = engine(JobsOptions.defaults().withMaxConcurrentRuns(3)
                .withWorkflowLimits(Map.of("narrow", 1)));
        jobs.register(Workflow.named("narrow").step(Step.of("s", ctx -> {
            Thread.sleep(50);
            return StepResult.success();
        })).build());
        jobs.register(Workflow.named("wide").step(Step.of("s", ctx -> StepResult.success())).build());
        for (int i = 0; i < 150; i++) {
            jobs.submit(RunRequest.of("narrow").build());
        }
        List<String> wide = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            wide.add(jobs.submit(RunRequest.of("wide").build()).id());
        }
        jobs.start();
        for (String id : wide) {
            assertThat(jobs.await(id, seconds(30)).state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(jobs.list(RunQuery.all().withWorkflow("narrow").inStates(RunState.QUEUED).limit(1000)).items())
                .as("most narrow runs still wait").hasSizeGreaterThan(100);
    }

    @Test
    void queuedRunsStartInPriorityThenSubmissionOrder() throws Exception {
        RealJobsWorker jobs = engine(JobsOptions.defaults().withMaxConcurrentRuns(1));
        List<String> order = new CopyOnWriteArrayList<>();
        jobs.register(Workflow.named("w").step(Step.of("s", ctx -> {
            order.add(ctx.parameter("n", String.class).orElseThrow());
            return StepResult.success();
        })).build());
        List<String> ids = new ArrayList<>();
        for (String n : List.of("a", "b", "c")) {
            ids.add(jobs.submit(RunRequest.of("w").parameters(Map.of("n", n)).build()).id());
        }
        ids.add(jobs.submit(RunRequest.of("w").parameters(Map.of("n", "urgent")).priority(10).build()).id());
        jobs.start();
        for (String id : ids) {
            jobs.await(id, seconds(10));
        }
        assertThat(order).containsExactly("urgent", "a", "b", "c");
    }

    @Test
    void listenersHearEveryStageInOrder() throws Exception {
        RealJobsWorker jobs = engine();
        List<String> events = new CopyOnWriteArrayList<>();
        jobs.addListener(new RunListener() {
            @Override
            public void onQueued(RunEvent e) {
                events.add("queued");
            }

            @Override
            public void onStarted(RunEvent e) {
                events.add("started");
            }

            @Override
            public void onStepStarted(RunEvent e) {
                events.add("step started " + e.step());
            }

            @Override
            public void onStepFinished(RunEvent e) {
                events.add("step finished " + e.step() + " " + e.stepState());
            }

            @Override
            public void onFinished(RunEvent e) {
                events.add("finished " + e.state());
            }
        });
        jobs.register(Workflow.named("two").step(Step.of("a", ctx -> StepResult.success()))
                .step(Step.of("b", ctx -> StepResult.success())).build());
        jobs.start();
        jobs.await(jobs.submit(RunRequest.of("two").build()).id(), seconds(10));
        assertThat(events).containsExactly("queued", "started", "step started a", "step finished a SUCCEEDED",
                "step started b", "step finished b SUCCEEDED", "finished SUCCEEDED");
    }

    @Test
    void logsCanBeFollowedLiveAndReadAfterwards() throws Exception {
        RealJobsWorker jobs = engine();
        CountDownLatch firstSeen = new CountDownLatch(1);
        jobs.register(Workflow.named("chatty").step(Step.of("talk", ctx -> {
            ctx.log().stdout("line 1");
            assertThat(firstSeen.await(10, TimeUnit.SECONDS)).as("line 1 reached the follower live").isTrue();
            ctx.log().stderr("line 2");
            return StepResult.success();
        })).build());
        jobs.start();
        Run run = jobs.submit(RunRequest.of("chatty").build());
        List<String> seen = new CopyOnWriteArrayList<>();
        try (LogFollow follow = jobs.followLogs(run.id(), l -> {
            seen.add(l.stream() + ":" + l.text());
            firstSeen.countDown();
        })) {
            assertThat(follow.awaitEnd(seconds(10))).isTrue();
        }
        assertThat(jobs.get(run.id()).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(seen).containsExactly("stdout:line 1", "stderr:line 2");
        List<LogLine> all = jobs.logs(run.id(), 0, 10);
        assertThat(jobs.logs(run.id(), all.get(0).seq(), 10)).extracting(LogLine::text).containsExactly("line 2");
    }

    @Test
    void listFiltersByStateWorkflowLabelAndTimeAndPages() throws Exception {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("a").step(Step.of("s", ctx -> StepResult.success())).build());
        jobs.register(Workflow.named("b").step(Step.of("s", ctx -> StepResult.failure("no", null))).build());
        Instant before = Instant.now().minusSeconds(1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(jobs.submit(RunRequest.of("a").label("env", i % 2 == 0 ? "prod" : "dev").build()).id());
        }
        ids.add(jobs.submit(RunRequest.of("b").build()).id());
        jobs.start();
        for (String id : ids) {
            jobs.await(id, seconds(10));
        }
        assertThat(jobs.list(RunQuery.all().withWorkflow("a")).items()).hasSize(5);
        assertThat(jobs.list(RunQuery.all().inStates(RunState.FAILED)).items()).extracting(Run::workflow)
                .containsExactly("b");
        assertThat(jobs.list(RunQuery.all().withLabel("env", "prod")).items()).hasSize(3);
        assertThat(jobs.list(RunQuery.all().createdBetween(before, null)).items()).hasSize(6);
        assertThat(jobs.list(RunQuery.all().createdBetween(null, before)).items()).isEmpty();

        Page<Run> p1 = jobs.list(RunQuery.all().limit(4));
        Page<Run> p2 = jobs.list(RunQuery.all().limit(4).page(p1.nextPageToken()));
        assertThat(p1.items()).hasSize(4);
        assertThat(p2.items()).hasSize(2);
        assertThat(p2.hasNext()).isFalse();
        List<String> listed = new ArrayList<>();
        p1.items().forEach(r -> listed.add(r.id()));
        p2.items().forEach(r -> listed.add(r.id()));
        List<String> newestFirst = new ArrayList<>(ids);
        Collections.reverse(newestFirst);
        assertThat(listed).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void statisticsCountRunsByStateAndByCreationBucket() throws Exception {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("a").step(Step.of("s", ctx -> StepResult.success())).build());
        jobs.register(Workflow.named("b").step(Step.of("s", ctx -> StepResult.failure("no", null))).build());
        Instant since = Instant.now().minusSeconds(60);
        String ok = jobs.submit(RunRequest.of("a").build()).id();
        String bad = jobs.submit(RunRequest.of("b").build()).id();
        jobs.start();
        jobs.await(ok, seconds(10));
        jobs.await(bad, seconds(10));
        jobs.await(jobs.submit(RunRequest.of("a").build()).id(), seconds(10));

        RunStatistics stats = jobs.statistics(since, Duration.ofMinutes(1));

        assertThat(stats.total()).isEqualTo(3);
        assertThat(stats.byState()).containsEntry(RunState.SUCCEEDED, 2L).containsEntry(RunState.FAILED, 1L)
                .containsEntry(RunState.CANCELLED, 0L);
        assertThat(stats.created()).isNotEmpty();
        assertThat(stats.created().stream().mapToLong(b -> b.total()).sum()).isEqualTo(3);
        assertThatThrownBy(() -> jobs.statistics(Instant.now().minus(Duration.ofDays(30)), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("at most 1000");
    }

    @Test
    void aRunSubmittedForLaterIsFiredByTheScheduler() throws Exception {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("later").step(Step.of("s", ctx -> StepResult.success())).build());
        jobs.start();
        Instant at = Instant.now().plusMillis(1500);
        Run run = jobs.submitAt(RunRequest.of("later").build(), at);
        Thread.sleep(500);
        assertThat(jobs.get(run.id()).state()).isEqualTo(RunState.QUEUED);
        Run done = jobs.await(run.id(), seconds(15));
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.startedAt()).isAfterOrEqualTo(at.minusMillis(5));
    }

    @Test
    void retentionDeletesOldFinishedRunsWithTheirLogsAndArtifacts() throws Exception {
        Path file = dir.resolve("jobs.db");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RealJobsWorker jobs = RealJobsWorker.openSqlite(file, clock, new ObjectMapper(),
                JobsOptions.defaults().withRetention(Duration.ofDays(7)), null);
        engines.add(jobs);
        jobs.register(Workflow.named("w").step(Step.of("s", ctx -> {
            ctx.log().info("kept until retention");
            ctx.artifacts().put("a", new byte[] {1});
            return StepResult.success();
        })).build());
        jobs.start();
        Run old = jobs.await(jobs.submit(RunRequest.of("w").build()).id(), seconds(10));
        clock.advance(Duration.ofDays(8));
        Run recent = jobs.await(jobs.submit(RunRequest.of("w").build()).id(), seconds(10));

        assertThat(jobs.sweepRetention()).isEqualTo(1);

        assertThatThrownBy(() -> jobs.get(old.id())).isInstanceOfSatisfying(JobException.class,
                e -> assertThat(e.code()).isEqualTo(JobErrorCode.RUN_NOT_FOUND));
        assertThat(jobs.get(recent.id()).state()).isEqualTo(RunState.SUCCEEDED);
        long leftovers = Database.class.isInstance(jobs.db) ? jobs.db.jdbi().withHandle(h ->
                h.createQuery("select (select count(*) from step_logs where run_id = :r) "
                        + "+ (select count(*) from artifacts where run_id = :r) "
                        + "+ (select count(*) from steps where run_id = :r)").bind("r", old.id())
                        .mapTo(Long.class).one()) : -1;
        assertThat(leftovers).isZero();
    }

    @Test
    void aRunWhoseWorkflowGainedStepsAfterSubmitFailsClearlyInsteadOfHanging() throws Exception {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("w").step(Step.of("a", ctx -> StepResult.success()))
                .step(Step.of("b", ctx -> StepResult.success())).build());
        Run run = jobs.submit(RunRequest.of("w").build());
        jobs.register(Workflow.named("w").step(Step.of("a", ctx -> StepResult.success()))
                .step(Step.of("b", ctx -> StepResult.success())).step(Step.of("c", ctx -> StepResult.success()))
                .build());
        jobs.start();
        Run done = jobs.await(run.id(), seconds(10));
        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.failure().message()).contains("no longer match workflow w");
    }

    @Test
    void badInputGetsTypedErrors() {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("w").parameters(ParameterValidator.required("repo"))
                .step(Step.of("s", ctx -> StepResult.success())).build());
        assertThatThrownBy(() -> jobs.submit(RunRequest.of("nope").build()))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.UNKNOWN_WORKFLOW))
                .hasMessageContaining("register");
        assertThatThrownBy(() -> jobs.submit(RunRequest.of("w").build()))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_PARAMETERS))
                .hasMessageContaining("\"repo\" is required");
        assertThatThrownBy(() -> jobs.submit(RunRequest.of("w").parameters(List.of(1, 2)).build()))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_PARAMETERS));
        assertThatThrownBy(() -> jobs.get("run-missing"))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.RUN_NOT_FOUND));
        assertThatThrownBy(() -> jobs.cancel("run-missing"))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.RUN_NOT_FOUND));
        assertThatThrownBy(() -> jobs.schedule(ScheduleRequest.cron("s",
                "every tuesday", RunRequest.of("w").parameters(Map.of("repo", "x")).build())))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_CRON))
                .hasMessageContaining("0 0/5 * * * ?");
        assertThatThrownBy(() -> jobs.submitAt(RunRequest.of("w").build(), null))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> jobs.list(RunQuery.all().page("not-a-token")))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_ARGUMENT));
        Run queued = jobs.submit(RunRequest.of("w").parameters(Map.of("repo", "x")).build());
        assertThatThrownBy(() -> jobs.readArtifact(queued.id(), "missing.txt"))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.ARTIFACT_NOT_FOUND));
        assertThatThrownBy(() -> jobs.pauseSchedule("missing"))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.SCHEDULE_NOT_FOUND));
    }

    @Test
    void twoEnginesOnOneDatabaseRunEachRunOnceAndHoldAWorkflowLimitTogether() throws Exception {
        JobsOptions options = JobsOptions.defaults().withMaxConcurrentRuns(4).withWorkflowLimits(Map.of("limited", 2));
        RealJobsWorker a = engine(options);
        RealJobsWorker b = engine(options);
        Map<String, AtomicInteger> executions = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        java.util.Set<RealJobsWorker> workedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (RealJobsWorker e : List.of(a, b)) {
            e.register(Workflow.named("limited").step(Step.of("s", ctx -> {
                executions.computeIfAbsent(ctx.runId(), k -> new AtomicInteger()).incrementAndGet();
                workedOn.add(e);
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(60);
                } finally {
                    running.decrementAndGet();
                }
                return StepResult.success();
            })).build());
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ids.add((i % 2 == 0 ? a : b).submit(RunRequest.of("limited").build()).id());
        }
        a.start();
        b.start();
        for (String id : ids) {
            assertThat(a.await(id, seconds(60)).state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(executions).hasSize(16).allSatisfy((id, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(maxRunning.get()).isLessThanOrEqualTo(2);
        System.out.println("engines that executed runs: " + workedOn.size() + " of 2");
    }

    @Test
    void aRunLeftRunningByAnEngineThatWentAwayIsTakenOverAtItsFirstUnfinishedStep() throws Exception {
        AtomicInteger firstStep = new AtomicInteger();
        CountDownLatch secondStarted = new CountDownLatch(1);
        RealJobsWorker a = open(JobsOptions.defaults());
        a.register(Workflow.named("two")
                .step(Step.of("one", ctx -> {
                    firstStep.incrementAndGet();
                    return StepResult.success();
                }))
                .step(Step.of("two", ctx -> {
                    secondStarted.countDown();
                    Thread.sleep(Long.MAX_VALUE);
                    return StepResult.success();
                })).build());
        a.start();
        String id = a.submit(RunRequest.of("two").build()).id();
        assertThat(secondStarted.await(30, TimeUnit.SECONDS)).isTrue();
        a.close();  // leaves the run running, as a crash would, and gives up its lease

        RealJobsWorker b = engine();
        b.register(Workflow.named("two")
                .step(Step.of("one", ctx -> {
                    firstStep.incrementAndGet();
                    return StepResult.success();
                }))
                .step(Step.of("two", ctx -> StepResult.success("done by b"))).build());
        b.start();
        Run done = b.await(id, seconds(30));
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(firstStep.get()).as("the finished first step is not run again").isEqualTo(1);
        assertThat(done.attempt()).isEqualTo(2);
    }

    @Test
    void aDatabaseFileThatCannotBeOpenedIsReportedClearly() throws Exception {
        Path notAFile = Files.createDirectories(dir.resolve("a-directory.db"));
        assertThatThrownBy(() -> RealJobsWorker.openSqlite(notAFile, Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults(), null))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.DATABASE_UNAVAILABLE));
    }

    @Test
    void closeIsSafeTwiceAndAClosedEngineRefusesWork() {
        RealJobsWorker jobs = engine();
        jobs.register(Workflow.named("w").step(Step.of("s", ctx -> StepResult.success())).build());
        jobs.start();
        jobs.start();
        jobs.close();
        jobs.close();
        assertThatThrownBy(() -> jobs.submit(RunRequest.of("w").build()))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobErrorCode.CLOSED));
    }
}
