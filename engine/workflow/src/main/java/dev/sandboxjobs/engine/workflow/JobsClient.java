package dev.sandboxjobs.engine.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client side of the job engine: submit runs, read them with their steps, logs and
 * artifacts, cancel them, and edit schedules, over the engine's database. A client executes
 * nothing: a {@link JobsWorker} on the same database (in this process or another, such as
 * {@code sandbox-jobs worker}) runs the work. Every {@code JobsWorker} is also a client.
 *
 * <pre>{@code
 * try (JobsClient client = JobEngine.openClient(Path.of("/var/lib/app/sandbox-jobs.db"))) {
 *     client.register(buildWorkflow);        // submission validates the parameters against it
 *     Run run = client.submit(RunRequest.of("build").build());
 *     Run done = client.await(run.id(), Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>A client of another process's worker: that worker picks up submitted runs within about a
 * second and new or changed schedules within a few seconds; {@link #cancel} of a run it executes
 * stops the run within about a second; {@link #await} polls the database.
 *
 * <p>Errors are {@link JobException}s with the codes of {@link JobErrorCode}: {@code UNKNOWN_WORKFLOW},
 * {@code INVALID_PARAMETERS}, {@code INVALID_CRON}, {@code RUN_NOT_FOUND}, {@code SCHEDULE_NOT_FOUND},
 * {@code SCHEDULE_EXISTS}, {@code ARTIFACT_NOT_FOUND}, {@code INVALID_ARGUMENT}, {@code DATABASE_LOCKED},
 * {@code DATABASE_UNAVAILABLE}, {@code CLOSED}.
 */
public interface JobsClient extends AutoCloseable {
    /**
     * Registers a workflow under its name; registering the same name again replaces it. A client
     * needs the workflows it submits (submission validates their parameters); the worker that runs
     * them must know them too.
     */
    void register(Workflow workflow);

    /** Queues a run; with an idempotency key that was seen before, returns that run instead. */
    Run submit(RunRequest request);

    /**
     * Queues a run that starts at {@code at}, durable across restarts (on a worker, fired by its
     * scheduler; from a client, dispatched by the worker once {@code at} has passed).
     */
    Run submitAt(RunRequest request, Instant at);

    /** Creates a cron schedule. */
    Schedule schedule(ScheduleRequest request);

    List<Schedule> schedules();

    Schedule pauseSchedule(String scheduleId);

    Schedule resumeSchedule(String scheduleId);

    /**
     * Queues a run of the schedule now, as if it fired (same workflow, parameters and labels;
     * {@link Run#scheduleId()} set), without changing its next fire time.
     *
     * @throws JobException {@code SCHEDULE_NOT_FOUND} for an unknown id
     */
    Run triggerSchedule(String scheduleId);

    /** Deletes a schedule; returns false if there was none with this id. */
    boolean deleteSchedule(String scheduleId);

    /** The run with its steps. */
    Run get(String runId);

    Page<Run> list(RunQuery query);

    /**
     * Counts of runs by state, and of the runs created since {@code since} per {@code bucket}
     * (a dashboard's overview), counted in the database. At most 1,000 buckets.
     *
     * @throws JobException {@code INVALID_ARGUMENT} without a start, with a bucket that is not
     *     positive, or for more than 1,000 buckets
     */
    RunStatistics statistics(Instant since, Duration bucket);

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

    /** Closes the client (and the database, when it opened it). Safe to call twice. */
    @Override
    void close();
}
