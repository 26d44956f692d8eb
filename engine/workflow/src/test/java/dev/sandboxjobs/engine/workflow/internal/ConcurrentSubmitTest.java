package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentSubmitTest {
    @TempDir
    Path dir;

    @Test
    void fiveHundredRunsFromEightThreadsAllCompleteExactlyOnceWithoutADatabaseError() throws Exception {
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (RealJobsWorker jobs = RealJobsWorker.openSqlite(dir.resolve("jobs.db"), Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults().withMaxConcurrentRuns(8), null)) {
            jobs.register(Workflow.named("noop")
                    .step(Step.of("one", ctx -> {
                        executions.computeIfAbsent(ctx.runId(), k -> new AtomicInteger()).incrementAndGet();
                        ctx.log().info("hello");
                        return StepResult.success(ctx.parameter("i", Integer.class).orElseThrow());
                    }))
                    .step(Step.of("two", ctx -> StepResult.success()))
                    .build());
            jobs.register(Workflow.named("cron").step(Step.of("s", ctx -> StepResult.success())).build());
            jobs.start();
            // Quartz writes to the same database meanwhile, through its own connections.
            jobs.schedule(ScheduleRequest.cron("busy", "* * * * * ?",
                    RunRequest.of("cron").build()));
            ExecutorService submitters = Executors.newFixedThreadPool(8);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(submitters.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 63 - (thread < 4 ? 1 : 0); i++) {
                        try {
                            ids.add(jobs.submit(RunRequest.of("noop").parameters(Map.of("i", thread * 1000 + i))
                                    .build()).id());
                            if (i % 10 == 0) {
                                jobs.list(RunQuery.all().limit(20));
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                    return ids;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                ids.addAll(f.get());
            }
            submitters.shutdown();
            assertThat(errors).isEmpty();
            assertThat(ids).hasSize(500).doesNotHaveDuplicates();
            for (String id : ids) {
                Run run = jobs.await(id, Duration.ofSeconds(60));
                assertThat(run.state()).as(id).isEqualTo(RunState.SUCCEEDED);
                assertThat(run.attempt()).isEqualTo(1);
            }
            assertThat(executions).hasSize(500);
            assertThat(executions.values()).allSatisfy(n -> assertThat(n).hasValue(1));
            assertThat(jobs.db.integrityCheck()).isEqualTo("ok");
            long logLines = jobs.db.jdbi().withHandle(h -> h.createQuery("select count(*) from step_logs")
                    .mapTo(Long.class).one());
            assertThat(logLines).isEqualTo(500);
        }
    }
}
