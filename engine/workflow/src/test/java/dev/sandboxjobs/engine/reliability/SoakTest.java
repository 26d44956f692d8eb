package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.MisfirePolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load held: for {@code -Dsandboxjobs.soak.minutes} minutes (default 10 under {@code CI=true}, 1
 * otherwise) one engine takes, at the same time, batches of 200 queued runs of three workflows
 * (plain, logging with an artifact, and one run in ten in its own sandbox), a cron schedule firing
 * every 3 seconds, and 8 threads exec'ing in two shared sandboxes (each thread also writes and
 * reads files and now and then creates and destroys a sandbox of its own). Every run must end
 * SUCCEEDED and every exec answer correctly. Leaks are measured between a baseline taken after a
 * warm-up (every pool and code path already used) and the end (load drained, schedule deleted):
 * containers of the engine, live threads, open file descriptors ({@code /proc/self/fd}) and the
 * heap used after full GCs; bounds are explained where they are checked. No timing is asserted.
 */
@RequiresDocker
@Tag("reliability")
class SoakTest {
    private static final int BATCH = 200;
    private static final int EXEC_THREADS = 8;

    @TempDir
    Path dir;

    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong execs = new AtomicLong();
    private final AtomicLong transientSandboxes = new AtomicLong();
    private final AtomicLong finishedRuns = new AtomicLong();

    static double minutes() {
        String p = System.getProperty("sandboxjobs.soak.minutes");
        if (p != null && !p.isBlank()) {
            return Double.parseDouble(p);
        }
        return "true".equals(System.getenv("CI")) ? 10 : 1;
    }

    @Test
    void mixedLoadRunsWithoutErrorAndLeaksNoContainersThreadsFileHandlesOrHeap() throws Exception {
        double minutes = minutes();
        try (SandboxEngine engine = TestEngines.builder(dir).build();
             JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                     .options(JobsOptions.defaults().withMaxConcurrentRuns(4)).build()) {
            String engineId = engine.engineId();
            JobsWorker jobs = jobEngine.worker();
            register(jobs);
            jobs.addListener(new RunListener() {
                @Override
                public void onFinished(RunEvent event) {
                    finishedRuns.incrementAndGet();
                    if (event.state() != RunState.SUCCEEDED) {
                        errors.add("run " + event.runId() + " (" + event.workflow() + ") ended " + event.state());
                    }
                }
            });
            jobs.start();
            Sandbox[] shared = {engine.getSandbox("soak-a"), engine.getSandbox("soak-b")};
            try {
                // warm-up: every path once (runs of each workflow, execs, files, a transient sandbox)
                awaitAll(jobs, submitBatch(jobs, 20));
                AtomicBoolean warm = new AtomicBoolean(true);
                for (int t = 0; t < EXEC_THREADS; t++) {
                    execRound(engine, shared[t % 2], t, 0, warm);
                }
                execRound(engine, shared[0], 0, 100, warm);
                Snapshot start = Snapshot.take(engineId);
                System.out.println("SOAK baseline " + start);
                System.out.println("SOAK threads at baseline by name: " + threadNames());

                long deadline = System.nanoTime() + (long) (minutes * 60_000_000_000L);
                jobs.schedule(ScheduleRequest.cron("soak-tick", "0/3 * * * * ?", RunRequest.of("soak-plain").build())
                        .withMisfirePolicy(MisfirePolicy.FIRE_ONCE_NOW));
                AtomicBoolean running = new AtomicBoolean(true);
                ExecutorService pool = Executors.newFixedThreadPool(EXEC_THREADS);
                List<Future<?>> loops = new ArrayList<>();
                for (int t = 0; t < EXEC_THREADS; t++) {
                    int thread = t;
                    loops.add(pool.submit(() -> {
                        for (int n = 1; running.get(); n++) {
                            execRound(engine, shared[thread % 2], thread, n, running);
                        }
                        return null;
                    }));
                }
                int batches = 0;
                long submitted = 0;
                int maxContainers = 0;
                List<String> trend = new ArrayList<>();
                try {
                    while (System.nanoTime() < deadline && errors.isEmpty()) {
                        List<String> ids = submitBatch(jobs, BATCH);
                        submitted += ids.size();
                        batches++;
                        maxContainers = Math.max(maxContainers, containers(engineId).size());
                        awaitAll(jobs, ids);
                        maxContainers = Math.max(maxContainers, containers(engineId).size());
                        trend.add(String.format("batch %d: %d execs, %d runs finished, heap %d MiB, threads %d, fds %d",
                                batches, execs.get(), finishedRuns.get(), heapUsed() >> 20,
                                ManagementFactory.getThreadMXBean().getThreadCount(), fds()));
                    }
                } finally {
                    running.set(false);
                    pool.shutdown();
                    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
                }
                for (Future<?> f : loops) {
                    f.get();
                }
                jobs.deleteSchedule("soak-tick");
                // cron runs already queued finish; then the load is drained
                long drain = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (jobs.list(RunQuery.all().inStates(RunState.QUEUED, RunState.RUNNING))
                        .items().size() > 0 && System.nanoTime() < drain) {
                    Thread.sleep(200);
                }
                Thread.sleep(2000);
                trend.forEach(l -> System.out.println("SOAK " + l));
                errors.stream().limit(20).forEach(e -> System.out.println("SOAK error: " + e));
                assertThat(errors).as("errors during the soak").isEmpty();
                assertThat(jobs.list(RunQuery.all().inStates(RunState.FAILED,
                        RunState.TIMED_OUT, RunState.CANCELLED)).items()).as("no run ended other than SUCCEEDED").isEmpty();

                Snapshot end = Snapshot.take(engineId);
                String figures = String.format("RELIABILITY soak: %.1f min, %d batches, %d runs submitted, %d cron-fired,"
                        + " %d runs finished, %d execs from %d threads, %d transient sandboxes, at most %d containers;"
                        + " baseline %s; end %s", minutes, batches, submitted, finishedRuns.get() - submitted - 20, finishedRuns.get(),
                        execs.get(), EXEC_THREADS, transientSandboxes.get(), maxContainers, start, end);
                System.out.println(figures);
                System.out.println("SOAK threads at end by name: " + threadNames());
                // containers: only the two shared sandboxes remain (runs' and transient sandboxes' are gone)
                assertThat(end.containers).as(figures).isEqualTo(start.containers).isEqualTo(2);
                // at most 4 runs' sandboxes + 8 transient + 2 shared exist at any time
                assertThat(maxContainers).as(figures).isLessThanOrEqualTo(2 + 4 + EXEC_THREADS);
                // threads: pools are sized and were all used in the warm-up; idle pool threads and the
                // HTTP client may come and go, so a small slack; a leak of one thread per run or exec
                // would add thousands
                assertThat(end.threads - start.threads).as(figures).isLessThanOrEqualTo(16);
                // file descriptors: pooled Docker socket connections and SQLite's -wal/-shm vary a little;
                // a leak per run or exec would add thousands
                assertThat(end.fds - start.fds).as(figures).isLessThanOrEqualTo(32);
                // heap after full GCs: caches are bounded; 48 MiB over thousands of runs and execs is
                // far below what a per-operation leak of even 10 KiB would add
                assertThat(end.heap - start.heap).as(figures).isLessThanOrEqualTo(48L << 20);
            } finally {
                for (Sandbox s : shared) {
                    s.destroy();
                }
            }
            assertThat(containers(engineId)).as("no container of the engine is left").isEmpty();
        }
    }

    private void register(JobsClient jobs) {
        jobs.register(Workflow.named("soak-plain")
                .step(Step.of("a", ctx -> StepResult.success(Map.of("n", 1))))
                .step(Step.of("b", ctx -> {
                    Thread.sleep(20);
                    return StepResult.success("b");
                }))
                .build());
        jobs.register(Workflow.named("soak-logged")
                .step(Step.of("log", ctx -> {
                    for (int i = 0; i < 20; i++) {
                        ctx.log().info("line " + i + " of run " + ctx.runId());
                    }
                    ctx.artifacts().put("out.txt", ("artifact of " + ctx.runId()).getBytes(StandardCharsets.UTF_8));
                    return StepResult.success();
                }))
                .build());
        jobs.register(Workflow.named("soak-boxed").sandbox(SandboxSpec.image(TestImages.runtime()))
                .step(Step.of("exec", ctx -> {
                    ExecResult r = ctx.sandbox(Sandbox.class).exec("echo " + ctx.runId() + " > /workspace/id; cat /workspace/id");
                    if (!r.stdout().equals(ctx.runId() + "\n")) {
                        throw new IllegalStateException("unexpected output " + r);
                    }
                    return StepResult.success();
                }))
                .build());
    }

    private static List<String> submitBatch(JobsClient jobs, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String wf = i % 10 == 0 ? "soak-boxed" : i % 3 == 0 ? "soak-logged" : "soak-plain";
            ids.add(jobs.submit(RunRequest.of(wf).parameters(Map.of("i", i)).build()).id());
        }
        return ids;
    }

    private void awaitAll(JobsClient jobs, List<String> ids) throws InterruptedException {
        for (String id : ids) {
            Run r = jobs.await(id, Duration.ofMinutes(10));
            if (r.state() != RunState.SUCCEEDED) {
                errors.add("run " + id + " " + r.state() + " " + r.failure());
            }
        }
    }

    private void execRound(SandboxEngine engine, Sandbox sb, int thread, int n, AtomicBoolean running) {
        if (!running.get()) {
            return;
        }
        try {
            String word = "t" + thread + "-" + n;
            ExecResult r = sb.exec("echo " + word);
            execs.incrementAndGet();
            if (!r.stdout().equals(word + "\n") || r.exitCode() != 0) {
                errors.add("exec " + word + " answered " + r);
            }
            if (n % 20 == 0) {
                String path = "/tmp/soak-" + thread;
                sb.writeFile(path, word);
                String back = sb.readFile(path).content();
                if (!back.equals(word)) {
                    errors.add("file " + path + " read back " + back + " instead of " + word);
                }
            }
            if (n % 100 == 0) {
                Sandbox own = engine.getSandbox("soak-transient-" + thread + "-" + n);
                try {
                    ExecResult o = own.exec("echo own");
                    if (!o.stdout().equals("own\n")) {
                        errors.add("transient sandbox answered " + o);
                    }
                } finally {
                    own.destroy();
                }
                transientSandboxes.incrementAndGet();
            }
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            errors.add("exec thread " + thread + " round " + n + ": " + e);
        }
    }

    static List<String> containers(String engineId) {
        try {
            Process p = new ProcessBuilder("docker", "ps", "-aq", "--filter",
                    "label=" + Labels.ENGINE + "=" + engineId).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static SortedMap<String, Long> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().collect(Collectors.groupingBy(
                t -> t.getName().replaceAll("[0-9]+", "#"), TreeMap::new, Collectors.counting()));
    }

    static long fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long heapAfterGc() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            min = Math.min(min, heapUsed());
        }
        return min;
    }

    record Snapshot(int containers, int threads, long fds, long heap) {
        static Snapshot take(String engineId) throws InterruptedException {
            return new Snapshot(SoakTest.containers(engineId).size(), ManagementFactory.getThreadMXBean().getThreadCount(),
                    SoakTest.fds(), heapAfterGc());
        }

        @Override
        public String toString() {
            return String.format("containers %d, threads %d, fds %d, heap after GC %.1f MiB", containers, threads, fds,
                    heap / 1048576.0);
        }
    }
}
