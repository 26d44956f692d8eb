package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: opens an engine on a database file, submits runs
 * of a three-step workflow whose middle step hangs while a marker file exists, and waits to be
 * killed. Every step execution appends to a file, so the parent can count executions.
 */
public final class CrashChild {
    static final String WORKFLOW = "crashy";

    private CrashChild() {
    }

    /** The workflow both JVMs register. */
    static Workflow workflow(Path work) {
        return Workflow.named(WORKFLOW)
                .step(Step.of("first", ctx -> {
                    count(work, ctx.runId(), "first");
                    ctx.log().info("first done");
                    return StepResult.success("first of " + ctx.parameter("n", Integer.class).orElseThrow());
                }))
                .step(Step.of("second", ctx -> {
                    count(work, ctx.runId(), "second");
                    if (Files.exists(work.resolve("hang"))) {
                        Files.writeString(work.resolve("ready-" + ctx.runId()), "in second step");
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    return StepResult.success(ctx.result("first").asText() + ", second");
                }))
                .step(Step.of("third", ctx -> {
                    count(work, ctx.runId(), "third");
                    return StepResult.success(ctx.result("second").asText() + ", third");
                }))
                .build();
    }

    static void count(Path work, String runId, String step) throws IOException {
        Files.writeString(work.resolve(runId + "-" + step), "x\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    static int executions(Path work, String runId, String step) throws IOException {
        Path f = work.resolve(runId + "-" + step);
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    /** args: database file, work directory, number of runs. */
    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        RealJobsWorker jobs = RealJobsWorker.openSqlite(db, Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults().withMaxConcurrentRuns(2), null);
        jobs.register(workflow(work));
        jobs.schedule(ScheduleRequest.cron("hourly", "0 0 * * * ?",
                RunRequest.of(WORKFLOW).parameters(Map.of("n", -1)).build()));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(jobs.submit(RunRequest.of(WORKFLOW).parameters(Map.of("n", i)).build()).id());
        }
        Files.write(work.resolve("run-ids"), ids);
        jobs.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
