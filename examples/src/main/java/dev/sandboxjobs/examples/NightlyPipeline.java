package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import dev.sandboxjobs.jobs.report.PipelineResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A cron pipeline: a long-lived worker process whose schedule runs the {@code testing-pipeline}
 * on a repository every night, the way {@code sandbox-jobs worker} runs schedules in production.
 * The schedule lives in the database, so it survives a restart: the next process finds it and
 * keeps it (a fire missed while no process ran is fired once at start). SIGTERM or Ctrl-C stops
 * it gracefully: no new run starts, the run in flight gets the grace period to finish, and one
 * still running after that is resumed by the next process.
 *
 * <pre>{@code
 * SandboxEngine engine = SandboxEngine.create();
 * JobEngine jobEngine = JobEngine.over(engine);
 * JobsWorker jobs = jobEngine.worker();
 * BuiltInWorkflows.registerAll(jobs);
 * NightlyPipeline.install(jobs, "0 0 2 * * ?", "/srv/repos/app", System.out);
 * jobs.start();   // fires the schedule until jobs.shutdown(grace) in a shutdown hook
 * }</pre>
 *
 * <p>Arguments: {@code [--cron EXPR] [--db FILE] [--image IMAGE] [--grace SECONDS] [REPOSITORY]}
 * (defaults: {@value #NIGHTLY} — 02:00 every day, UTC —, the engine's default database and image,
 * 300 s, and the demo repository {@code calculator} of {@link DemoRepositories} next to the
 * database).
 */
public final class NightlyPipeline {
    /** The schedule's name: one schedule per database, whatever the number of restarts. */
    public static final String SCHEDULE = "nightly-pipeline";
    /** Every day at 02:00 (Quartz cron, with seconds). */
    public static final String NIGHTLY = "0 0 2 * * ?";

    private NightlyPipeline() {}

    public static void main(String[] args) throws InterruptedException {
        String cron = NIGHTLY;
        Path db = null;
        String image = null;
        Duration grace = Duration.ofMinutes(5);
        String repository = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cron" -> cron = value(args, i++);
                case "--db" -> db = Path.of(value(args, i++)).toAbsolutePath().normalize();
                case "--image" -> image = value(args, i++);
                case "--grace" -> grace = Duration.ofSeconds(Long.parseLong(value(args, i++)));
                default -> repository = BatchTesting.repository(args[i]);
            }
        }
        PrintStream out = System.out;
        SandboxEngine engine = SandboxEngine.builder().databaseFile(db).image(image).build();
        JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                .options(JobsOptions.defaults().withWorkflowLimits(Map.of(TestingPipelineWorkflow.NAME, 1)))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        JobsWorker jobs = jobEngine.worker();
        BuiltInWorkflows.registerAll(jobs, new TestingPipelineWorkflow.Images(engine.image(),
                TestingPipelineWorkflow.Images.defaults().full()));
        if (repository == null) {
            Path dir = (db != null ? db.getParent() : SandboxEngine.defaultDataDirectory(System.getenv()))
                    .resolve("nightly-demo-repo");
            repository = DemoRepositories.create(dir, "calculator").toString();
        }
        try {
            install(jobs, cron, repository, out);   // a bad cron is INVALID_CRON here
        } catch (RuntimeException e) {
            jobEngine.close();
            engine.close();
            throw e;
        }
        jobs.addListener(printer(jobs, out));

        Duration graceperiod = grace;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println(now() + " stopping: no new runs; waiting up to " + graceperiod.toSeconds()
                    + " s for the run in flight");
            try {
                boolean all = jobs.shutdown(graceperiod);
                out.println(now() + " stopped" + (all ? "" : "; the run still running is resumed by the next start"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                jobEngine.close();
                engine.close();
                out.flush();
                stopped.countDown();
            }
        }, "nightly-pipeline-shutdown"));
        jobs.start();
        out.println(now() + " running: pid " + ProcessHandle.current().pid() + "; stop with SIGTERM or Ctrl-C");
        stopped.await();
    }

    /**
     * Makes sure the database holds the schedule {@value #SCHEDULE} for {@code cron} and
     * {@code repository}: adds it, keeps it when it is already there with that cron, or replaces it
     * when the cron changed. Never two schedules, however often the process restarts.
     */
    public static Schedule install(JobsClient jobs, String cron, String repository, PrintStream out) {
        RunRequest run = TestingPipelineWorkflow.request(PipelineRequest.builder(repository).build())
                .label("schedule", SCHEDULE).build();
        Optional<Schedule> existing = jobs.schedules().stream().filter(s -> s.id().equals(SCHEDULE)).findFirst();
        if (existing.isPresent() && existing.get().cron().equals(cron)) {
            out.println("Schedule " + SCHEDULE + " kept: cron '" + cron + "', next fire " + existing.get().nextFireTime());
            return existing.get();
        }
        existing.ifPresent(s -> jobs.deleteSchedule(SCHEDULE));
        Schedule added = jobs.schedule(ScheduleRequest.cron(SCHEDULE, cron, run));
        out.println("Schedule " + SCHEDULE + (existing.isPresent() ? " changed" : " added") + ": cron '" + cron
                + "', testing " + repository + ", next fire " + added.nextFireTime());
        return added;
    }

    private static RunListener printer(JobsClient jobs, PrintStream out) {
        return new RunListener() {
            @Override
            public void onStarted(RunEvent event) {
                out.println(event.at().truncatedTo(ChronoUnit.MILLIS) + " started  " + event.runId());
            }

            @Override
            public void onFinished(RunEvent event) {
                String summary = "";
                try {
                    Run run = jobs.get(event.runId());
                    summary = TestingPipelineWorkflow.result(run).map(NightlyPipeline::summary).orElse("");
                } catch (RuntimeException e) {
                    summary = "(" + e.getMessage() + ")";
                }
                out.println(event.at().truncatedTo(ChronoUnit.MILLIS) + " finished " + event.runId() + " " + event.state() + summary);
            }
        };
    }

    private static String summary(PipelineResult r) {
        return " commit " + (r.commit() == null ? "-" : r.commit().substring(0, Math.min(12, r.commit().length())))
                + (r.tests() == null ? "" : ", " + r.tests().passed() + " passed, " + r.tests().failed() + " failed");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }
}
