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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link SandboxedCrashRecoveryTest}: a {@link SandboxEngine} whose jobs run a
 * three-step workflow in real sandboxes. Each step appends a line to a file inside the sandbox
 * (and one on the host); the middle step, while a marker file exists on the host, announces itself
 * and runs {@code sleep 600} in the sandbox, until the parent kills this JVM with SIGKILL.
 */
public final class SandboxedCrashChild {
    static final String WORKFLOW = "sandboxed-crashy";

    private SandboxedCrashChild() {
    }

    static Workflow workflow(Path work) {
        return Workflow.named(WORKFLOW)
                .sandbox(SandboxSpec.image(TestImages.runtime()))
                .step(Step.of("first", ctx -> {
                    mark(work, ctx, "first");
                    return StepResult.success(ctx.sandbox().id());
                }))
                .step(Step.of("second", ctx -> {
                    mark(work, ctx, "second");
                    if (Files.exists(work.resolve("hang"))) {
                        Files.writeString(work.resolve("ready-" + ctx.runId()), ctx.sandbox().id());
                        ctx.sandbox(Sandbox.class).exec("sleep 600");
                    }
                    return StepResult.success();
                }))
                .step(Step.of("third", ctx -> {
                    mark(work, ctx, "third");
                    ExecResult counts = ctx.sandbox(Sandbox.class)
                            .exec("echo first=$(wc -l < /workspace/first) second=$(wc -l < /workspace/second)");
                    return StepResult.success(Map.of("counts", counts.stdout().trim(), "sandbox", ctx.sandbox().id()));
                }))
                .build();
    }

    /** Counts the execution in the sandbox (a line in /workspace/{step}) and on the host. */
    private static void mark(Path work, StepContext ctx, String step) throws IOException {
        ExecResult r = ctx.sandbox(Sandbox.class).exec("echo x >> /workspace/" + step);
        if (!r.success()) {
            throw new IOException("could not count the step in the sandbox: " + r.stderr());
        }
        Files.writeString(work.resolve(ctx.runId() + "-" + step), "x\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    static int hostExecutions(Path work, String runId, String step) throws IOException {
        Path f = work.resolve(runId + "-" + step);
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    static SandboxEngine engine(Path dataDir) {
        return TestEngines.builder(dataDir).build();
    }

    static JobEngine jobs(SandboxEngine engine) {
        return JobEngine.builder().sandboxEngine(engine).options(JobsOptions.defaults().withMaxConcurrentRuns(2)).build();
    }

    /** args: data directory, work directory, number of runs. */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        SandboxEngine engine = engine(dataDir);
        Files.writeString(work.resolve("engine-id"), engine.engineId());
        JobsWorker jobs = jobs(engine).worker();
        jobs.register(workflow(work));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(jobs.submit(RunRequest.of(WORKFLOW).parameters(Map.of("n", i)).build()).id());
        }
        Files.write(work.resolve("run-ids"), ids);
        jobs.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
