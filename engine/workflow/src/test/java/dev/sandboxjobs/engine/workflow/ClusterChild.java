package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One engine JVM of {@link ClusterFailoverTest}: a worker on the shared PostgreSQL database, with
 * two workflows (plain steps, and steps in the run's own sandbox) and a workflow limit. Every step
 * execution appends a line naming the engine to a host file, synced, before it returns.
 * args: database URL, work directory, engine name, [docker host].
 */
public final class ClusterChild {
    static final String PLAIN = "cluster-plain";
    static final String BOXED = "cluster-boxed";
    static final List<String> PLAIN_STEPS = List.of("a", "b", "c");
    static final List<String> BOXED_STEPS = List.of("first", "second", "third");
    static final int BOXED_LIMIT = 3;

    private ClusterChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path work = Path.of(args[1]);
        String name = args[2];
        SandboxEngine.Builder builder = SandboxEngine.builder()
                .databaseUrl(url)
                .dataDirectory(work.resolve("data-" + name))
                .image(TestImages.runtime())
                .defaults(SandboxDefaults.builder().memoryBytes(256L << 20)
                        .label("dev.sandboxjobs.owner", "cluster-tests").build())
                .maintenanceInterval(Duration.ofSeconds(5));
        if (args.length > 3) {
            builder.dockerHost(args[3]);
        }
        SandboxEngine engine = builder.build();
        JobsWorker jobs = JobEngine.builder().sandboxEngine(engine).options(JobsOptions.defaults()
                .withMaxConcurrentRuns(4).withWorkflowLimits(Map.of(BOXED, BOXED_LIMIT))).build().worker();
        register(jobs, work, name);
        jobs.start();
        Files.writeString(work.resolve("ready-" + name), Long.toString(ProcessHandle.current().pid()));
        Thread.sleep(Long.MAX_VALUE);
    }

    static void register(JobsClient jobs, Path work, String engineName) {
        Workflow.Builder plain = Workflow.named(PLAIN);
        for (String s : PLAIN_STEPS) {
            plain.step(Step.of(s, ctx -> {
                Thread.sleep(200);
                mark(work, ctx.runId(), s, engineName);
                return StepResult.success(s);
            }));
        }
        jobs.register(plain.build());
        Workflow.Builder boxed = Workflow.named(BOXED).sandbox(SandboxSpec.image(TestImages.runtime()));
        for (String s : BOXED_STEPS) {
            boxed.step(Step.of(s, ctx -> {
                ExecResult r = ctx.sandbox(Sandbox.class).exec("sleep 0.7; echo " + s + " >> /workspace/steps");
                if (!r.success()) {
                    throw new IOException("the step could not run in its sandbox: " + r.stderr());
                }
                mark(work, ctx.runId(), s, engineName);
                return StepResult.success(s);
            }));
        }
        jobs.register(boxed.build());
    }

    static void mark(Path work, String runId, String step, String engineName) throws IOException {
        Files.writeString(work.resolve("exec-" + runId + "-" + step), engineName + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    /** How many times step {@code step} of run {@code runId} ran to its end. */
    static int executions(Path work, String runId, String step) throws IOException {
        Path f = work.resolve("exec-" + runId + "-" + step);
        return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
    }
}
