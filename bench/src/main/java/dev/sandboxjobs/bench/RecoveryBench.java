package dev.sandboxjobs.bench;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * 9. Recovery: a child JVM runs sandboxed jobs until three are mid-step in their sandboxes, is
 * killed with SIGKILL, and an orphan container (engine label, unknown sandbox) is left; the time
 * is from building a new engine on the same database to every in-flight run's step running again
 * and the orphan removed.
 */
final class RecoveryBench {
    static final String WORKFLOW = "bench-recovery";
    static final int RUNS = 3;

    private RecoveryBench() {}

    static Workflow workflow(Path work, String image) {
        return Workflow.named(WORKFLOW)
                .sandbox(SandboxSpec.image(image))
                .step(Step.of("work", ctx -> {
                    Files.writeString(work.resolve("started-" + ctx.runId()), "x\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND, StandardOpenOption.SYNC);
                    if (Files.exists(work.resolve("hang"))) {
                        ctx.sandbox(Sandbox.class).exec("sleep 600");
                    }
                    return StepResult.success();
                }))
                .build();
    }

    static SandboxEngine engine(Path dataDir, String image) {
        return SandboxEngine.builder().image(image).dataDirectory(dataDir).build();
    }

    static JobEngine jobs(SandboxEngine engine) {
        return JobEngine.builder().sandboxEngine(engine).options(JobsOptions.defaults().withMaxConcurrentRuns(RUNS))
                .build();
    }

    /** The child: args data directory, work directory, image. */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path work = Path.of(args[1]);
        SandboxEngine engine = engine(dataDir, args[2]);
        Files.writeString(work.resolve("engine-id"), engine.engineId());
        JobsWorker jobs = jobs(engine).worker();
        jobs.register(workflow(work, args[2]));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            ids.add(jobs.submit(RunRequest.of(WORKFLOW).build()).id());
        }
        Files.write(work.resolve("run-ids"), ids);
        jobs.start();
        Thread.sleep(Long.MAX_VALUE);
    }

    static void run(Main.Config cfg, String image, Path tmp, List<Metric> out) throws Exception {
        int rounds = cfg.quick ? 1 : 3;
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ms.add(round(image, Files.createDirectories(tmp.resolve("recovery-" + r))));
        }
        Stats s = new Stats(ms);
        out.add(Metric.of("9. recovery after kill -9", "restart -> " + RUNS + " in-flight runs running again + orphan removed"
                        + " p50 (n=" + rounds + ")", s.p(0.5), "ms")
                .target("< 5 s", s.p(0.5) < 5000)
                .note("child JVM killed with SIGKILL while " + RUNS + " runs sleep in their sandboxes; one orphan container"
                        + " left; timed from building the new engine (database open, orphan reaping, jobs.start) until"
                        + " every run's step started again in its surviving sandbox"));
    }

    private static double round(String image, Path dir) throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("hang"), "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RecoveryBench.class.getName(), dataDir.toString(), work.toString(), image)
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        String engineId;
        List<String> ids;
        String orphan = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (started(work) < RUNS && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(50);
            }
            if (started(work) < RUNS) {
                throw new IllegalStateException("the runs did not reach their sandboxes; see " + dir.resolve("child.log"));
            }
            engineId = Files.readString(work.resolve("engine-id"));
            ids = Files.readAllLines(work.resolve("run-ids"));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        Files.delete(work.resolve("hang"));
        orphan = Cli.run("docker", "run", "-d", "--label", Labels.ENGINE + "=" + engineId, "--label",
                Labels.SANDBOX + "=ghost-of-a-crash", "--label", SandboxBench.LABEL + "=1",
                "--entrypoint", "sleep", image, "infinity");
        long t0 = System.nanoTime();
        long t1;
        try (SandboxEngine engine = engine(dataDir, image); JobEngine jobEngine = jobs(engine)) {
            JobsWorker jobs = jobEngine.worker();
            jobs.register(workflow(work, image));
            jobs.start();
            while (true) {
                boolean again = ids.stream().allMatch(id -> lines(work.resolve("started-" + id)) >= 2);
                if (again && Cli.run("docker", "ps", "-aq", "--filter", "id=" + orphan).isBlank()) {
                    t1 = System.nanoTime();
                    break;
                }
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(3)) {
                    throw new IllegalStateException("the runs did not run again within 3 minutes");
                }
                Thread.sleep(5);
            }
            for (String id : ids) {
                RunState state = jobs.await(id, Duration.ofMinutes(2)).state();
                if (state != RunState.SUCCEEDED) {
                    throw new IllegalStateException("run " + id + " ended " + state);
                }
            }
        } finally {
            for (String c : Cli.run("docker", "ps", "-aq", "--filter", "label=" + Labels.ENGINE + "=" + engineId)
                    .split("\\s+")) {
                if (!c.isBlank()) {
                    Cli.run("docker", "rm", "-f", c);
                }
            }
        }
        return Stats.ms(t1 - t0);
    }

    private static long started(Path work) throws Exception {
        try (Stream<Path> s = Files.list(work)) {
            return s.filter(p -> p.getFileName().toString().startsWith("started-")).count();
        }
    }

    private static long lines(Path f) {
        try {
            return Files.exists(f) ? Files.readAllLines(f).size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
