package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Several workers on one PostgreSQL database: start {@code worker} on two or three machines (or
 * terminals) with the same {@code --db}, then {@code submit} from anywhere. The workers share the
 * queue; each run's three steps run in the run's own sandbox, and each step says which worker ran
 * it. Kill a worker with {@code kill -9} while runs are in flight: another worker takes its runs
 * over within seconds, resuming each at its first unfinished step when the sandbox is on a Docker
 * host it can reach, restarting it in a new sandbox otherwise. See docs/scale-out.md.
 *
 * <pre>{@code
 * # on each machine (a Docker engine there, the runtime image built by ./sandbox-jobs setup):
 * java -cp ... dev.sandboxjobs.examples.ScaleOut worker --db "jdbc:postgresql://db:5432/jobs?user=jobs" --name a
 * # anywhere (no Docker needed):
 * java -cp ... dev.sandboxjobs.examples.ScaleOut submit --db "jdbc:postgresql://db:5432/jobs?user=jobs" --runs 6
 * }</pre>
 *
 * <p>The password goes in the URL ({@code &password=…}), in {@code PGPASSWORD}, or in
 * {@code ~/.pgpass}; it is never printed.
 */
public final class ScaleOut {
    /** The workflow every worker registers. */
    public static final String WORKFLOW = "scale-out-demo";
    static final List<String> STEPS = List.of("fetch", "build", "check");

    private ScaleOut() {
    }

    /** A running worker: its sandbox engine and the job engine over it, closed together. */
    public record Worker(SandboxEngine sandboxes, JobEngine jobs) implements AutoCloseable {
        @Override
        public void close() {
            try {
                jobs.close();
            } finally {
                sandboxes.close();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("worker") || args[0].equals("submit"))) {
            System.err.println("usage: ScaleOut worker --db URL [--name NAME] [--image IMAGE]\n"
                    + "       ScaleOut submit --db URL [--runs N]");
            System.exit(2);
        }
        String db = null;
        String name = Long.toString(ProcessHandle.current().pid());
        String image = null;
        int runs = 6;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--name" -> name = args[++i];
                case "--image" -> image = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (db == null) {
            db = System.getenv("SANDBOX_JOBS_DB");
        }
        String where = location(db);
        if (args[0].equals("worker")) {
            Worker engine = worker(where, name, image, System.out);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    engine.jobs().worker().shutdown(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    engine.close();
                    stopped.countDown();
                }
            }));
            stopped.await();
        } else {
            try (JobsClient client = JobEngine.openClient(where)) {
                register(client, "client");
                submit(client, runs, System.out);
            }
        }
    }

    /** The database from {@code --db} or {@code SANDBOX_JOBS_DB}; {@code PGPASSWORD} fills a URL without one. */
    static String location(String db) {
        if (db == null) {
            throw new IllegalArgumentException("give --db jdbc:postgresql://HOST:5432/DB?user=USER (or SANDBOX_JOBS_DB)");
        }
        String password = System.getenv("PGPASSWORD");
        if (password == null || !db.startsWith("jdbc:postgresql:") || db.contains("password=")) {
            return db;
        }
        return db + (db.contains("?") ? "&" : "?") + "password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    /** Starts a worker named {@code name} on the database; it runs until the engine is closed. */
    public static Worker worker(String db, String name, String image, PrintStream out) {
        SandboxEngine engine = SandboxEngine.builder().databaseUrl(db).image(image).build();
        JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                .options(JobsOptions.defaults().withMaxConcurrentRuns(2)).build();
        JobsWorker jobs = jobEngine.worker();
        register(jobs, name);
        jobs.start();
        out.println("worker " + name + " running on " + engine.databaseLocation() + " (engine " + engine.engineId()
                + ")");
        return new Worker(engine, jobEngine);
    }

    /** The demo workflow: three steps in the run's sandbox, each returning the worker's name. */
    public static void register(JobsClient jobs, String workerName) {
        Workflow.Builder wf = Workflow.named(WORKFLOW).sandbox(SandboxSpec.defaults());
        for (String step : STEPS) {
            wf.step(Step.of(step, ctx -> {
                ExecResult r = ctx.sandbox(Sandbox.class).exec("sleep 1; echo " + step + " >> /workspace/done");
                if (!r.success()) {
                    throw new IOException(step + " failed in its sandbox: " + r.stderr());
                }
                return StepResult.success(Map.of("worker", workerName));
            }));
        }
        jobs.register(wf.build());
    }

    /** Submits {@code runs} runs and waits for each, printing which worker ran each step. */
    public static List<Run> submit(JobsClient client, int runs, PrintStream out) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ids.add(client.submit(RunRequest.of(WORKFLOW).build()).id());
        }
        out.println("submitted " + runs + " runs; waiting for the workers");
        List<Run> done = new ArrayList<>();
        for (String id : ids) {
            Run run = client.await(id, Duration.ofMinutes(10));
            StringBuilder line = new StringBuilder(id + " " + run.state());
            for (String step : STEPS) {
                var result = run.step(step).result();
                line.append("  ").append(step).append(" by ")
                        .append(result == null ? "-" : result.path("worker").asText("-"));
            }
            out.println(line);
            done.add(run);
            if (run.state() != RunState.SUCCEEDED) {
                out.println("  failure: " + run.failure());
            }
        }
        return done;
    }
}
