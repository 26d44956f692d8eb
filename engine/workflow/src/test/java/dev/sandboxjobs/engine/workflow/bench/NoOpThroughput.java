package dev.sandboxjobs.engine.workflow.bench;

import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Benchmark harness entry: no-op runs (one step, no sandbox) on a SQLite file.
 *
 * <ol>
 *   <li>Throughput: {@code runs} runs submitted from {@code submitters} threads as fast as they
 *       go; runs/s completed = runs / (last finish − first submit).</li>
 *   <li>Latency: {@code latencyRuns} runs submitted one by one at {@code rate}/s (below capacity,
 *       so there is no queue); submit → step start p50/p99.</li>
 * </ol>
 *
 * <p>Usage: {@code NoOpThroughput [dbFile] [runs=5000] [submitters=4] [latencyRuns=1000] [rate=200]
 * [maxConcurrentRuns=8]}. Prints one line per measure and a JSON line at the end.
 */
public final class NoOpThroughput {
    private NoOpThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path db = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("sandbox-jobs-bench").resolve("b.db");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int submitters = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int latencyRuns = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        int concurrency = args.length > 5 ? Integer.parseInt(args[5]) : 8;
        Result r = run(db, runs, submitters, latencyRuns, rate, concurrency);
        System.out.printf("no-op runs completed: %d in %.3f s = %.0f runs/s%n", runs, r.seconds, r.runsPerSecond);
        System.out.printf("submit -> start latency over %d paced runs: p50 %.2f ms, p99 %.2f ms%n", latencyRuns,
                r.p50Millis, r.p99Millis);
        System.out.printf("{\"runsPerSecond\":%.1f,\"submitToStartP50Ms\":%.3f,\"submitToStartP99Ms\":%.3f}%n",
                r.runsPerSecond, r.p50Millis, r.p99Millis);
    }

    /** What one benchmark run measured. */
    public record Result(double seconds, double runsPerSecond, double p50Millis, double p99Millis) {
    }

    public static Result run(Path db, int runs, int submitters, int latencyRuns, int rate, int concurrency)
            throws Exception {
        int total = runs + latencyRuns;
        AtomicLongArray submitted = new AtomicLongArray(total);
        AtomicLongArray started = new AtomicLongArray(total);
        CountDownLatch burstDone = new CountDownLatch(runs);
        CountDownLatch pacedDone = new CountDownLatch(latencyRuns);
        try (JobEngine jobEngine = JobEngine.builder().databaseFile(db)
                .options(JobsOptions.defaults().withMaxConcurrentRuns(concurrency).withRetention(null)).build()) {
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("noop").step(Step.of("noop", ctx -> {
                int k = ctx.parameters().get("k").asInt();
                started.compareAndSet(k, 0, System.nanoTime());
                return StepResult.success();
            })).build());
            jobs.addListener(new RunListener() {
                @Override
                public void onFinished(RunEvent e) {
                    if (e.state() == RunState.SUCCEEDED) {
                        (pacedDone.getCount() > 0 && burstDone.getCount() == 0 ? pacedDone : burstDone).countDown();
                    }
                }
            });
            jobs.start();

            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(submitters);
            for (int s = 0; s < submitters; s++) {
                int first = s;
                pool.execute(() -> {
                    for (int k = first; k < runs; k += submitters) {
                        submitted.set(k, System.nanoTime());
                        jobs.submit(RunRequest.of("noop").parameters(Map.of("k", k)).build());
                    }
                });
            }
            if (!burstDone.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("burst did not finish");
            }
            long t1 = System.nanoTime();
            pool.shutdown();

            long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
            long next = System.nanoTime();
            for (int k = runs; k < total; k++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                submitted.set(k, System.nanoTime());
                jobs.submit(RunRequest.of("noop").parameters(Map.of("k", k)).build());
                next += interval;
            }
            if (!pacedDone.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("paced runs did not finish");
            }
            double[] latencies = new double[latencyRuns];
            for (int k = runs; k < total; k++) {
                latencies[k - runs] = (started.get(k) - submitted.get(k)) / 1e6;
            }
            Arrays.sort(latencies);
            double seconds = (t1 - t0) / 1e9;
            return new Result(seconds, runs / seconds, percentile(latencies, 0.50), percentile(latencies, 0.99));
        }
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

}
