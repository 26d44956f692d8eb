package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The load of {@link GracefulShutdownTest}, shared by the in-process engine and the child JVM
 * ({@link #main}). Two workflows, one plain and one in its own sandbox, each of two steps; the
 * second step of a run submitted with {@code slow=true} waits (sleeping on the host, or {@code sleep}
 * in the sandbox) until the test creates the file {@code release}, so it cannot finish within the
 * grace period, while a fast run's second step takes one second. Every step appends a synced line
 * {@code start} on entry and {@code done} before it returns to {@code <work>/exec-<run>-<step>}.
 */
public final class GracefulShutdownLoad {
    static final String PLAIN = "drain-plain";
    static final String BOXED = "drain-boxed";
    static final List<String> STEPS = List.of("one", "two");

    private GracefulShutdownLoad() {
    }

    static void register(JobsClient jobs, Path work) {
        jobs.register(Workflow.named(PLAIN)
                .step(Step.of("one", ctx -> {
                    mark(work, ctx.runId(), "one", "start");
                    Thread.sleep(200);
                    mark(work, ctx.runId(), "one", "done");
                    return StepResult.success("one");
                }))
                .step(Step.of("two", ctx -> {
                    mark(work, ctx.runId(), "two", "start");
                    if (slow(ctx, work)) {
                        Thread.sleep(Duration.ofMinutes(5).toMillis());
                    } else {
                        Thread.sleep(1000);
                    }
                    mark(work, ctx.runId(), "two", "done");
                    return StepResult.success("two");
                }))
                .build());
        jobs.register(Workflow.named(BOXED).sandbox(SandboxSpec.image(TestImages.runtime()))
                .step(Step.of("one", ctx -> {
                    mark(work, ctx.runId(), "one", "start");
                    exec(ctx, "echo one > /workspace/one");
                    mark(work, ctx.runId(), "one", "done");
                    return StepResult.success("one");
                }))
                .step(Step.of("two", ctx -> {
                    mark(work, ctx.runId(), "two", "start");
                    exec(ctx, slow(ctx, work) ? "sleep 300" : "sleep 1; test -f /workspace/one");
                    ctx.checkCancelled();
                    mark(work, ctx.runId(), "two", "done");
                    return StepResult.success("two");
                }))
                .build());
    }

    private static boolean slow(StepContext ctx, Path work) {
        return "true".equals(String.valueOf(ctx.parameters().path("slow").asText()))
                && !Files.exists(work.resolve("release"));
    }

    private static void exec(StepContext ctx, String command) throws IOException {
        ExecResult r = ctx.sandbox(Sandbox.class).exec(command);
        if (!r.success()) {
            throw new IOException("'" + command + "' failed in the sandbox: exit " + r.exitCode() + " " + r.stderr());
        }
    }

    static void mark(Path work, String runId, String step, String what) throws IOException {
        Files.writeString(work.resolve("exec-" + runId + "-" + step), what + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    /** How many times step {@code step} of run {@code runId} logged {@code what} (start or done). */
    static long count(Path work, String runId, String step, String what) throws IOException {
        Path f = work.resolve("exec-" + runId + "-" + step);
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(what::equals).count() : 0;
    }

    static SandboxEngine engine(Path dataDir) {
        return TestEngines.builder(dataDir).build();
    }

    static JobEngine jobs(SandboxEngine engine) {
        return JobEngine.builder().sandboxEngine(engine).options(JobsOptions.defaults().withMaxConcurrentRuns(4)).build();
    }

    /** Submits a fast and a slow run of each workflow; returns their ids in the order fast plain, slow plain, fast boxed, slow boxed. */
    static List<String> submit(JobsClient jobs) {
        return List.of(
                jobs.submit(RunRequest.of(PLAIN).parameters(Map.of("slow", false)).build()).id(),
                jobs.submit(RunRequest.of(PLAIN).parameters(Map.of("slow", true)).build()).id(),
                jobs.submit(RunRequest.of(BOXED).parameters(Map.of("slow", false)).build()).id(),
                jobs.submit(RunRequest.of(BOXED).parameters(Map.of("slow", true)).build()).id());
    }

    /**
     * The child JVM: args data directory, work directory, grace in milliseconds. Installs the same
     * shutdown hook as the CLI's {@code worker} (shutdown(grace), then close), submits the load and
     * writes {@code <work>/runs}; the parent sends SIGTERM.
     */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Duration grace = Duration.ofMillis(Long.parseLong(args[2]));
        SandboxEngine engine = engine(dataDir);
        JobsWorker jobs = jobs(engine).worker();
        register(jobs, work);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean all = false;
            try {
                all = jobs.shutdown(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                engine.close();
                try {
                    Files.writeString(work.resolve("stopped"), String.valueOf(all));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, "graceful-shutdown-hook"));
        jobs.start();
        List<String> ids = submit(jobs);
        Files.writeString(work.resolve("engine-id"), engine.engineId());
        // written whole, then moved into place: the parent reads the file as soon as it exists
        Files.write(work.resolve("runs.tmp"), ids);
        Files.move(work.resolve("runs.tmp"), work.resolve("runs"), StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Long.MAX_VALUE);
    }
}
