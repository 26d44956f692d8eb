package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.LogFollow;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.engine.workflow.SandboxProvider;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.StorageException;
import dev.sandboxjobs.storage.run.JobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link JobsClient} over the database: submits, reads, cancels and edits schedules; the worker
 * that holds the database (perhaps in another process) does the work. A {@link RealJobsWorker}
 * holds one, given its scheduler and dispatcher, for the same calls.
 */
public final class RealJobsClient implements JobsClient {
    final JobServices services;
    final Workflows workflows;
    final Schedules schedules;
    private final Submissions submissions;
    private final RunQueries queries;
    private final Cancellation cancellation;
    private final Runnable wake;
    private final Database ownedDatabase;
    private volatile boolean closing;

    /** A client alone: no scheduler, no dispatcher; {@code ownedDatabase} (may be null) is closed with it. */
    RealJobsClient(JobServices services, Database ownedDatabase) {
        this(services, new Workflows(), null, null, ownedDatabase);
    }

    /** The client side of a worker, whose workflows, scheduler and dispatcher it shares. */
    RealJobsClient(JobServices services, Workflows workflows, QuartzScheduling quartz, Dispatcher dispatcher,
                   Database ownedDatabase) {
        this.services = services;
        this.workflows = workflows;
        this.wake = dispatcher == null ? () -> { } : dispatcher::wake;
        this.schedules = new Schedules(services, workflows, quartz);
        this.submissions = new Submissions(services, workflows, quartz, wake,
                dispatcher != null && services.options().pinSubmissions() ? dispatcher.membership.id() : null);
        this.queries = new RunQueries(services, dispatcher == null ? null : dispatcher::holds);
        this.cancellation = new Cancellation(services, quartz, dispatcher == null ? null : dispatcher::executing);
        this.ownedDatabase = ownedDatabase;
    }

    /**
     * A client over {@code db}: it takes no lock and never starts; the worker that holds the
     * database does the work.
     */
    public static RealJobsClient over(Database db, Clock clock, ObjectMapper mapper, JobsOptions options) {
        return new RealJobsClient(services(db, clock, mapper, options, SandboxProvider.NONE), null);
    }

    /**
     * Opens the SQLite database in {@code file} and a client over it that closes the database when
     * it is closed; no Docker involved.
     *
     * @throws JobException {@code DATABASE_UNAVAILABLE} if the file cannot be opened
     */
    public static RealJobsClient openSqlite(Path file, Clock clock, ObjectMapper mapper, JobsOptions options) {
        return open(DatabaseLocation.file(file), clock, mapper, options);
    }

    /**
     * {@link #openSqlite} on any database: a SQLite file or a PostgreSQL server.
     *
     * @throws JobException {@code DATABASE_UNAVAILABLE} if the database cannot be opened
     */
    public static RealJobsClient open(DatabaseLocation where, Clock clock, ObjectMapper mapper, JobsOptions options) {
        Database db = openDatabase(where);
        try {
            return new RealJobsClient(services(db, clock, mapper, options, SandboxProvider.NONE), db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Runs the sandbox reaper from a process that executes no run over {@code db}; returns what it
     * destroyed (see {@link ReaperTask}).
     */
    public static List<SandboxProvider.LiveSandbox> reapSandboxes(Database db, Clock clock, ObjectMapper mapper,
                                                                  JobsOptions options, SandboxProvider sandboxes) {
        return new ReaperTask(services(db, clock, mapper, options, sandboxes), null).reap();
    }

    static Database openDatabase(DatabaseLocation where) {
        try {
            return Database.open(where);
        } catch (StorageException e) {
            throw new JobException(JobErrorCode.DATABASE_UNAVAILABLE, e.getMessage(), e);
        }
    }

    static JobServices services(Database db, Clock clock, ObjectMapper mapper, JobsOptions options,
                                SandboxProvider sandboxes) {
        JobStore store = new JobStore(db);
        return new JobServices(store, new StateChanges(store), new RunJson(mapper), new RunEvents(clock),
                new LogWriter(store.logs()), sandboxes, options, clock);
    }

    void ensureOpen() {
        if (closing) {
            throw new JobException(JobErrorCode.CLOSED, "The job engine is closed; create a new one.");
        }
    }

    /** Refuses calls that write from now on (the worker holding this client is closing). */
    void markClosing() {
        closing = true;
    }

    @Override
    public void register(Workflow workflow) {
        workflows.register(workflow);
        wake.run();
    }

    @Override
    public Run submit(RunRequest request) {
        ensureOpen();
        return submissions.submit(request, null, null, null, queries);
    }

    @Override
    public Run submitAt(RunRequest request, Instant at) {
        if (at == null) {
            throw new JobException(JobErrorCode.INVALID_ARGUMENT, "submitAt needs a time; use submit to run now.");
        }
        ensureOpen();
        return submissions.submit(request, at, null, null, queries);
    }

    /** A run of a schedule's fire: its idempotency key is the schedule and the fire time. */
    Run submitScheduled(RunRequest request, String scheduleId, Instant fireTime) {
        ensureOpen();
        return submissions.submit(request, null, scheduleId, "schedule:" + scheduleId + ":" + fireTime.toEpochMilli(),
                queries);
    }

    @Override
    public Schedule schedule(ScheduleRequest request) {
        ensureOpen();
        return schedules.create(request);
    }

    @Override
    public List<Schedule> schedules() {
        return schedules.list();
    }

    @Override
    public Schedule pauseSchedule(String scheduleId) {
        return schedules.pause(scheduleId);
    }

    @Override
    public Schedule resumeSchedule(String scheduleId) {
        return schedules.resume(scheduleId);
    }

    @Override
    public Run triggerSchedule(String scheduleId) {
        ensureOpen();
        return submissions.submit(schedules.request(scheduleId), null, scheduleId, null, queries);
    }

    @Override
    public boolean deleteSchedule(String scheduleId) {
        return schedules.delete(scheduleId);
    }

    @Override
    public Run get(String runId) {
        return queries.get(runId);
    }

    @Override
    public Page<Run> list(RunQuery query) {
        return queries.list(query);
    }

    @Override
    public RunStatistics statistics(Instant since, Duration bucket) {
        return queries.statistics(since, bucket);
    }

    @Override
    public Run await(String runId, Duration timeout) throws InterruptedException {
        return queries.await(runId, timeout);
    }

    @Override
    public CancelResult cancel(String runId) {
        ensureOpen();
        return cancellation.cancel(runId);
    }

    @Override
    public void addListener(RunListener listener) {
        services.events().addListener(listener);
    }

    @Override
    public void removeListener(RunListener listener) {
        services.events().removeListener(listener);
    }

    @Override
    public List<LogLine> logs(String runId, long afterSeq, int limit) {
        return queries.logs(runId, afterSeq, limit);
    }

    @Override
    public LogFollow followLogs(String runId, Consumer<LogLine> consumer) {
        return queries.followLogs(runId, consumer);
    }

    @Override
    public List<ArtifactInfo> artifacts(String runId) {
        return queries.artifacts(runId);
    }

    @Override
    public byte[] readArtifact(String runId, String name) {
        return queries.readArtifact(runId, name);
    }

    @Override
    public void close() {
        closing = true;
        if (ownedDatabase != null) {
            ownedDatabase.close();
        }
    }
}
