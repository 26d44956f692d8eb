package dev.sandboxjobs.engine.workflow.bench;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.InfrastructureFault;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark harness entry: sandboxed runs through {@code JobEngine.over(sandboxEngine).worker()} on real Docker and
 * a SQLite file. Each run is one step, {@code exec true}, in its own per-task sandbox (created when
 * the run starts, destroyed when it ends); {@code concurrency} runs at once. Measures runs/s
 * completed (runs / (last finish − first submit)) and the run duration (start → finish, which is
 * dominated by creating and removing the container) p50/p99.
 *
 * <p>Usage: {@code SandboxedThroughput [dataDir] [runs=20] [concurrency=4] [image=<engine default>]}.
 * Prints one line per measure and a JSON line at the end. No assertion on the figures.
 */
public final class SandboxedThroughput {
    private SandboxedThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sandbox-jobs-bench");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String image = args.length > 3 ? args[3] : null;
        Result r = run(dataDir, runs, concurrency, image);
        System.out.printf("sandboxed runs (exec true) completed: %d in %.3f s = %.2f runs/s at concurrency %d%n",
                runs, r.seconds, r.runsPerSecond, concurrency);
        System.out.printf("run duration (start -> finish): p50 %.0f ms, p99 %.0f ms%n", r.p50Millis, r.p99Millis);
        System.out.printf("{\"sandboxedRunsPerSecond\":%.3f,\"runDurationP50Ms\":%.1f,\"runDurationP99Ms\":%.1f,"
                + "\"concurrency\":%d}%n", r.runsPerSecond, r.p50Millis, r.p99Millis, concurrency);
    }

    /** What one benchmark run measured. */
    public record Result(double seconds, double runsPerSecond, double p50Millis, double p99Millis) {
    }

    /** Runs the benchmark on an engine whose database is in {@code dataDir}; {@code image} null for the engine's. */
    public static Result run(Path dataDir, int runs, int concurrency, String image) throws Exception {
        return run(dataDir, runs, concurrency, image, 0);
    }

    /**
     * As {@link #run(Path, int, int, String)}, with a warm pool of {@code warmPool} containers for the runs'
     * sandboxes ({@code SandboxEngine.Builder.warmPool(warmPool, SandboxSpec.defaults().options())}: the
     * pool must match the runs' spec, whose network is none where the engine's default is the open internet),
     * full before the first submit; 0 for none.
     */
    public static Result run(Path dataDir, int runs, int concurrency, String image, int warmPool) throws Exception {
        Map<String, Long> startedAt = new ConcurrentHashMap<>();
        Map<String, Long> durations = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(runs);
        AtomicInteger failed = new AtomicInteger();
        SandboxEngine.Builder builder = SandboxEngine.builder().dataDirectory(dataDir);
        if (image != null) {
            builder.image(image);
        }
        if (warmPool > 0) {
            builder.warmPool(warmPool, SandboxSpec.defaults().options());
        }
        try (SandboxEngine engine = builder.build();
             JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                     .options(JobsOptions.defaults().withMaxConcurrentRuns(concurrency).withRetention(null)).build()) {
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("exec-true")
                    .sandbox(SandboxSpec.defaults())
                    .step(Step.of("true", ctx -> {
                        ExecResult r = ctx.sandbox(Sandbox.class).exec("true");
                        if (!r.success()) {
                            throw new InfrastructureFault("exec true failed: " + r.stderr());
                        }
                        return StepResult.success();
                    }))
                    .build());
            jobs.addListener(new RunListener() {
                @Override
                public void onStarted(RunEvent e) {
                    startedAt.putIfAbsent(e.runId(), System.nanoTime());
                }

                @Override
                public void onFinished(RunEvent e) {
                    Long s = startedAt.get(e.runId());
                    if (s != null) {
                        durations.put(e.runId(), System.nanoTime() - s);
                    }
                    if (e.state() != RunState.SUCCEEDED) {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                }
            });
            jobs.start();
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                 engine.warmPoolReady() < warmPool && System.nanoTime() < until; ) {
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            for (int k = 0; k < runs; k++) {
                jobs.submit(RunRequest.of("exec-true").parameters(Map.of("k", k)).build());
            }
            if (!done.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the runs did not finish");
            }
            long t1 = System.nanoTime();
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " runs did not succeed");
            }
            double[] ms = durations.values().stream().mapToDouble(n -> n / 1e6).sorted().toArray();
            double seconds = (t1 - t0) / 1e9;
            return new Result(seconds, runs / seconds, percentile(ms, 0.50), percentile(ms, 0.99));
        }
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
