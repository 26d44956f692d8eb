package dev.sandboxjobs.engine.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Durable jobs: workflows of steps run in a per-run sandbox that is always destroyed, persisted in
 * the engine's database so that a crash loses nothing.
 *
 * <pre>{@code
 * Jobs jobs = sandboxEngine.jobs();
 * jobs.register(Workflow.named("hello")
 *         .step(Step.of("greet", ctx -> StepResult.success("hello " + ctx.parameter("name", String.class).orElse("you"))))
 *         .build());
 * jobs.start();
 * Run run = jobs.submit(RunRequest.of("hello").parameters(Map.of("name", "Ada")).build());
 * Run done = jobs.await(run.id(), Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Errors are {@link dev.sandboxjobs.engine.SandboxException}s with codes
 * {@code UNKNOWN_WORKFLOW}, {@code INVALID_PARAMETERS}, {@code INVALID_CRON}, {@code RUN_NOT_FOUND},
 * {@code SCHEDULE_NOT_FOUND}, {@code SCHEDULE_EXISTS}, {@code ARTIFACT_NOT_FOUND},
 * {@code DATABASE_LOCKED}, {@code DATABASE_UNAVAILABLE}, {@code CLOSED}.
 */
public interface Jobs extends AutoCloseable {
    /** Registers a workflow under its name; registering the same name again replaces it. */
    void register(Workflow workflow);

    /**
     * Recovers runs left in flight by a previous process, then starts dispatching runs and firing
     * schedules. Safe to call twice. Submitting before start is allowed: runs wait in the queue.
     */
    void start();

    /** Queues a run; with an idempotency key that was seen before, returns that run instead. */
    Run submit(RunRequest request);

    /** Queues a run that starts at {@code at} (fired by the scheduler, durable across restarts). */
    Run submitAt(RunRequest request, Instant at);

    /** Creates a cron schedule. */
    Schedule schedule(ScheduleRequest request);

    List<Schedule> schedules();

    Schedule pauseSchedule(String scheduleId);

    Schedule resumeSchedule(String scheduleId);

    /** Deletes a schedule; returns false if there was none with this id. */
    boolean deleteSchedule(String scheduleId);

    /** The run with its steps. */
    Run get(String runId);

    Page<Run> list(RunQuery query);

    /**
     * Waits until the run is over (and its sandbox destroyed) or {@code timeout} passes, and returns it as it is then (check
     * {@link Run#state()}).
     */
    Run await(String runId, Duration timeout) throws InterruptedException;

    /**
     * Cancels a run: a queued run never starts; a running one is interrupted and its sandbox
     * destroyed. A run that is already over is left alone and the result says so.
     */
    CancelResult cancel(String runId);

    void addListener(RunListener listener);

    void removeListener(RunListener listener);

    /** Log lines of a run after {@code afterSeq} (0 for all), oldest first, at most {@code limit}. */
    List<LogLine> logs(String runId, long afterSeq, int limit);

    /**
     * Delivers the run's log lines, from the first, to {@code consumer} (on a background thread),
     * live while the run goes on, until the run is over or the subscription is closed.
     */
    LogFollow followLogs(String runId, Consumer<LogLine> consumer);

    List<ArtifactInfo> artifacts(String runId);

    byte[] readArtifact(String runId, String name);

    /** Deletes finished runs older than the configured retention now; returns how many. */
    int sweepRetention();

    /**
     * Shuts down gracefully: stops starting runs and firing schedules at once, waits up to
     * {@code grace} for the runs in flight to finish, then {@link #close() closes}. Runs still
     * running then stay recorded as running and are resumed by the next engine on the database;
     * queued runs and schedules wait for it. Returns whether every run in flight finished in time.
     *
     * <pre>{@code
     * Runtime.getRuntime().addShutdownHook(new Thread(() -> jobs.shutdown(Duration.ofSeconds(30))));
     * }</pre>
     */
    boolean shutdown(Duration grace) throws InterruptedException;

    /** Stops dispatching and scheduling; running steps are interrupted. Safe to call twice. */
    @Override
    void close();
}
