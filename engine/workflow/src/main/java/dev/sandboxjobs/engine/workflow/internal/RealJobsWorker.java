package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.internal.DatabaseErrors.guard;
import static dev.sandboxjobs.engine.workflow.internal.DatabaseErrors.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.task.TaskScheduler;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
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
import dev.sandboxjobs.storage.Dialect;
import dev.sandboxjobs.storage.run.JobStore;
import dev.sandboxjobs.storage.run.LeaseRepository;
import dev.sandboxjobs.storage.run.ScheduleRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobsWorker} over a {@link Database}, a {@link Clock}, a Jackson mapper, {@link JobsOptions}
 * and a {@link SandboxProvider}: the process that runs the work. Several workers may share one
 * database (a SQLite file or PostgreSQL): each holds a lease there ({@link EngineMembership},
 * renewed by {@link LeaseRenewalTask}), and {@link TakeoverTask} queues again the runs of workers
 * whose lease ran out. It holds a node of the database's Quartz cluster (cron schedules and timed
 * runs; a fire only queues a run), the {@link Dispatcher} that starts queued runs, and the
 * periodic tasks; the client calls go to the {@link RealJobsClient} it holds.
 */
public final class RealJobsWorker implements JobsWorker, QuartzScheduling.Callbacks {
    private static final Logger LOG = LoggerFactory.getLogger(RealJobsWorker.class);

    final Database db;
    final RealJobsClient client;
    final Dispatcher dispatcher;
    private final JobServices services;
    private final boolean ownsDatabase;
    /** This worker's lease among the engines sharing the database. */
    final EngineMembership membership;
    private final QuartzScheduling quartz;
    private final TaskScheduler timers;
    private final TaskScheduler heartbeat;
    private final Object lifecycle = new Object();
    private boolean started;

    /** A worker over {@code db}, which it does not close. */
    public RealJobsWorker(Database db, Clock clock, ObjectMapper mapper, JobsOptions options,
                          SandboxProvider sandboxes) {
        this(db, false, clock, mapper, options, sandboxes);
    }

    private RealJobsWorker(Database db, boolean ownsDatabase, Clock clock, ObjectMapper mapper, JobsOptions options,
                           SandboxProvider sandboxes) {
        this.db = db;
        this.ownsDatabase = ownsDatabase;
        this.services = RealJobsClient.services(db, clock, mapper, options,
                sandboxes == null ? SandboxProvider.NONE : sandboxes);
        this.membership = new EngineMembership(services.store().leases(), clock, options.takeoverAfter(), true);
        try {
            // Engines on one database form one Quartz cluster (scheduler name from the database,
            // instance id from the engine), so each fire time fires on one engine only.
            this.quartz = new QuartzScheduling(db, "sandbox-jobs-" + db.engineId(), membership.id(),
                    options.quartzThreads(), 5_000, this);
        } catch (RuntimeException e) {
            throw translate(e);
        }
        this.timers = new TaskScheduler("sandbox-jobs-timer", 2);
        this.heartbeat = new TaskScheduler("sandbox-jobs-heartbeat", 1);
        Workflows workflows = new Workflows();
        this.dispatcher = new Dispatcher(services, workflows, timers, membership);
        this.client = new RealJobsClient(services, workflows, quartz, dispatcher, ownsDatabase ? db : null);
        timers.every(Duration.ofMillis(50), new LogFlushTask(services.logs()));
    }

    /**
     * Opens the SQLite database in {@code file} and a worker over it that closes the database when
     * it is closed.
     *
     * @throws dev.sandboxjobs.engine.workflow.JobException {@code DATABASE_UNAVAILABLE} if the file
     *     cannot be opened
     */
    public static RealJobsWorker openSqlite(Path file, Clock clock, ObjectMapper mapper, JobsOptions options,
                                            SandboxProvider sandboxes) {
        return open(DatabaseLocation.file(file), clock, mapper, options, sandboxes);
    }

    /**
     * Opens the database at {@code where} (a SQLite file or a PostgreSQL server) and a worker over
     * it that closes the database when it is closed.
     */
    public static RealJobsWorker open(DatabaseLocation where, Clock clock, ObjectMapper mapper, JobsOptions options,
                                      SandboxProvider sandboxes) {
        Database db = RealJobsClient.openDatabase(where);
        try {
            return new RealJobsWorker(db, true, clock, mapper, options, sandboxes);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * The pid of a live worker on the SQLite database {@code file} (from its lease), if any; a file
     * that does not exist has none.
     */
    public static Optional<Long> workerPid(Path file) {
        Path f = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try (Database db = Database.openSqlite(f)) {
            return workerPid(db);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The pid of a live worker on {@code db} (from its lease; on another machine too), if any: a hint for clients. */
    public static Optional<Long> workerPid(Database db) {
        return EngineMembership.alive(new JobStore(db).leases().list()).stream()
                .filter(LeaseRepository.Lease::worker).map(LeaseRepository.Lease::pid).findFirst();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        synchronized (lifecycle) {
            client.ensureOpen();
            if (started) {
                return;
            }
            started = true;
            TakeoverTask takeover = new TakeoverTask(services, dispatcher, membership);
            guard(() -> {
                membership.register();
                new RecoveryTask(takeover, new ReaperTask(services, runId -> false, membership.id())).run();
                client.schedules.reconcile();
                return null;
            });
            heartbeat.every(membership.renewEvery(), new LeaseRenewalTask(membership));
            quartz.start();
            dispatcher.start();
            JobsOptions options = services.options();
            timers.every(options.reapInterval(), new ReaperTask(services, dispatcher::holds, membership.id()));
            timers.every(Duration.ofSeconds(1), takeover);
            timers.every(Duration.ofMillis(500), new CancelWatchTask(services, dispatcher));
            timers.every(Duration.ofSeconds(1), new ScheduleSyncTask(client.schedules, dispatcher));
            if (db.dialect() == Dialect.SQLITE) {
                timers.every(Duration.ofMillis(200), new CheckpointTask(db));
            }
            if (options.retention() != null) {
                timers.every(options.retentionInterval(), new RetentionTask(services));
            }
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (dispatcher.closing) {
                return;
            }
            dispatcher.closing = true;
            client.markClosing();
        }
        List<RuntimeException> errors = new ArrayList<>();
        run(errors, quartz::close);
        run(errors, dispatcher::stop);
        run(errors, services.logs()::flush);
        run(errors, timers::close);
        run(errors, heartbeat::close);
        // the runs still running here are free for the other engines to take over at once
        run(errors, membership::leave);
        run(errors, client::close);
        if (!errors.isEmpty()) {
            RuntimeException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        synchronized (lifecycle) {
            if (dispatcher.closing) {
                return dispatcher.idle();
            }
            dispatcher.draining = true;
        }
        quartz.standby();
        long deadline = System.nanoTime() + grace.toNanos();
        while (!dispatcher.idle() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean allFinished = dispatcher.idle();
        close();
        return allFinished;
    }

    @Override
    public int sweepRetention() {
        return services.options().retention() == null ? 0 : guard(() -> new RetentionTask(services).sweep());
    }

    /** Runs the sandbox reaper now, as this worker's periodic task does; returns what it destroyed. */
    public List<SandboxProvider.LiveSandbox> reapSandboxes() {
        return new ReaperTask(services, dispatcher::holds, membership.id()).reap();
    }

    /** The runs this engine is executing now. */
    Set<String> activeRunIds() {
        return dispatcher.executingRunIds();
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void run(List<RuntimeException> errors, Action a) {
        try {
            a.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            errors.add(e);
        } catch (Exception e) {
            errors.add(new RuntimeException(e));
        }
    }

    // ---------------------------------------------------------------- Quartz callbacks

    @Override
    public void fireSchedule(String scheduleId, Instant scheduledFireTime) {
        ScheduleRow s = services.store().schedules().find(scheduleId).orElse(null);
        if (s == null || dispatcher.closing) {
            return;
        }
        try {
            RunRequest request = services.json().read(s.request(), RunRequest.class);
            client.submitScheduled(request, scheduleId, scheduledFireTime);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.error("Schedule {} could not submit its run for {}", scheduleId, scheduledFireTime, e);
        }
    }

    @Override
    public void releaseTimedRun(String runId) {
        if (services.store().runs().releaseTrigger(runId)) {
            dispatcher.wake();
        }
    }

    // ---------------------------------------------------------------- the client's calls

    @Override
    public void register(Workflow workflow) {
        client.register(workflow);
    }

    @Override
    public Run submit(RunRequest request) {
        return client.submit(request);
    }

    @Override
    public Run submitAt(RunRequest request, Instant at) {
        return client.submitAt(request, at);
    }

    @Override
    public Schedule schedule(ScheduleRequest request) {
        return client.schedule(request);
    }

    @Override
    public List<Schedule> schedules() {
        return client.schedules();
    }

    @Override
    public Schedule pauseSchedule(String scheduleId) {
        return client.pauseSchedule(scheduleId);
    }

    @Override
    public Schedule resumeSchedule(String scheduleId) {
        return client.resumeSchedule(scheduleId);
    }

    @Override
    public Run triggerSchedule(String scheduleId) {
        return client.triggerSchedule(scheduleId);
    }

    @Override
    public boolean deleteSchedule(String scheduleId) {
        return client.deleteSchedule(scheduleId);
    }

    @Override
    public Run get(String runId) {
        return client.get(runId);
    }

    @Override
    public Page<Run> list(RunQuery query) {
        return client.list(query);
    }

    @Override
    public RunStatistics statistics(Instant since, Duration bucket) {
        return client.statistics(since, bucket);
    }

    @Override
    public Run await(String runId, Duration timeout) throws InterruptedException {
        return client.await(runId, timeout);
    }

    @Override
    public CancelResult cancel(String runId) {
        return client.cancel(runId);
    }

    @Override
    public void addListener(RunListener listener) {
        client.addListener(listener);
    }

    @Override
    public void removeListener(RunListener listener) {
        client.removeListener(listener);
    }

    @Override
    public List<LogLine> logs(String runId, long afterSeq, int limit) {
        return client.logs(runId, afterSeq, limit);
    }

    @Override
    public LogFollow followLogs(String runId, Consumer<LogLine> consumer) {
        return client.followLogs(runId, consumer);
    }

    @Override
    public List<ArtifactInfo> artifacts(String runId) {
        return client.artifacts(runId);
    }

    @Override
    public byte[] readArtifact(String runId, String name) {
        return client.readArtifact(runId, name);
    }
}
