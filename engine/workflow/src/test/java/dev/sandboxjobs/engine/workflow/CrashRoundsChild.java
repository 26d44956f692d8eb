package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRoundsTest}: an engine with a mixed load (plain runs, runs in their
 * own sandbox, a cron schedule firing every two seconds) that the parent kills with SIGKILL at a
 * random point. Every step execution appends a line to a host file, synced, before it returns.
 */
public final class CrashRoundsChild {
    static final String PLAIN = "rounds-plain";
    static final String BOXED = "rounds-boxed";
    static final String SCHEDULE = "rounds-tick";
    static final List<String> PLAIN_STEPS = List.of("a", "b", "c");
    static final List<String> BOXED_STEPS = List.of("first", "second");

    private CrashRoundsChild() {
    }

    static void register(JobsClient jobs, Path work) {
        Workflow.Builder plain = Workflow.named(PLAIN);
        for (String s : PLAIN_STEPS) {
            plain.step(Step.of(s, ctx -> {
                Thread.sleep(150);
                mark(work, ctx.runId(), s);
                return StepResult.success(s);
            }));
        }
        jobs.register(plain.build());
        Workflow.Builder boxed = Workflow.named(BOXED).sandbox(SandboxSpec.image(TestImages.runtime()));
        for (String s : BOXED_STEPS) {
            boxed.step(Step.of(s, ctx -> {
                ExecResult r = ctx.sandbox(Sandbox.class).exec("sleep 0.3; echo x >> /workspace/" + s);
                if (!r.success()) {
                    throw new IOException("the step could not run in its sandbox: " + r.stderr());
                }
                mark(work, ctx.runId(), s);
                return StepResult.success(s);
            }));
        }
        jobs.register(boxed.build());
    }

    static void mark(Path work, String runId, String step) throws IOException {
        Files.writeString(work.resolve("exec-" + runId + "-" + step), "x\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    static int executions(Path work, String runId, String step) throws IOException {
        Path f = work.resolve("exec-" + runId + "-" + step);
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    static SandboxEngine engine(Path dataDir) {
        return engine(dataDir, null);
    }

    static JobEngine jobs(SandboxEngine engine) {
        return JobEngine.builder().sandboxEngine(engine).options(JobsOptions.defaults().withMaxConcurrentRuns(3)).build();
    }

    /** An engine on the data directory's SQLite file, or on {@code databaseUrl} when it is not null. */
    static SandboxEngine engine(Path dataDir, String databaseUrl) {
        SandboxEngine.Builder b = TestEngines.builder(dataDir);
        if (databaseUrl != null) {
            b.databaseUrl(databaseUrl);
        }
        return b.build();
    }

    /** args: data directory, work directory, round[, database URL]. */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path work = Path.of(args[1]);
        String round = args[2];
        SandboxEngine engine = engine(dataDir, args.length > 3 ? args[3] : null);
        Files.writeString(work.resolve("engine-id"), engine.engineId());
        JobsWorker jobs = jobs(engine).worker();
        register(jobs, work);
        try {
            jobs.schedule(ScheduleRequest.cron(SCHEDULE, "0/2 * * * * ?", RunRequest.of(PLAIN).build())
                    .withMisfirePolicy(MisfirePolicy.FIRE_ONCE_NOW));
        } catch (JobException e) {
            // created in an earlier round
        }
        jobs.start();
        Files.writeString(work.resolve("started-" + round), "");
        for (int i = 0; i < 5; i++) {
            String workflow = i < 3 ? PLAIN : BOXED;
            String id = jobs.submit(RunRequest.of(workflow).parameters(Map.of("round", round, "i", i)).build()).id();
            Files.writeString(work.resolve("submitted"), id + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
