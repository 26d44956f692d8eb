package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.Jobs;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.LogFollow;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.MisfirePolicy;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.Dialect;
import dev.sandboxjobs.storage.StorageException;
import dev.sandboxjobs.storage.run.FailureColumns;
import dev.sandboxjobs.storage.run.JobStore;
import dev.sandboxjobs.storage.run.LogRow;
import dev.sandboxjobs.storage.run.NewRun;
import dev.sandboxjobs.storage.run.RunFilter;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import dev.sandboxjobs.storage.run.ScheduleRow;
import dev.sandboxjobs.storage.run.StepRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.quartz.JobKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job engine: {@link Jobs} over a {@link Database}, a {@link Clock}, a Jackson mapper,
 * {@link JobsOptions} and a {@link SandboxProvider}.
 *
 * <p>One-off runs are dispatched by the engine itself: a dispatcher thread reads queued runs from
 * the {@code runs} table in priority and submission order, woken in memory by every submit and
 * every finished run, and claims them with a guarded update. Quartz (on the same database) fires
 * cron schedules and timed runs; each fire only queues a run.
 *
 * <p>Wiring into the SDK (the seam): {@code SandboxEngine} builds one {@code JobEngine} over its
 * own {@link Database} with a {@link SandboxProvider} adapter over itself (create a sandbox from
 * the {@link SandboxSpec} labelled with the run id, attach, destroy, is-alive, list by run label),
 * exposes it as {@code engine.jobs()} typed {@link Jobs}, and closes it before the database.
 * Nothing else in this package knows about Docker.
 */
public final class JobEngine implements Jobs, QuartzScheduling.Callbacks {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    static final Set<String> FINISHED_STATES = Set.of(RunState.SUCCEEDED.name(), RunState.FAILED.name(),
            RunState.CANCELLED.name(), RunState.TIMED_OUT.name());

    final Database db;
    final Clock clock;
    final ObjectMapper json;
    final JobsOptions options;
    final SandboxProvider sandboxes;
    final JobStore store;
    final LogWriter logWriter;
    final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
    final Map<String, RunExecution> active = new ConcurrentHashMap<>();
    final ExecutorService workers;
    final ScheduledExecutorService timers;
    volatile boolean closing;
    volatile boolean draining;

    private final boolean ownsDatabase;
    private final boolean client;
    private final EngineLock engineLock;
    private final QuartzScheduling quartz;
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Void>> finishSignals = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private final Object wakeLock = new Object();
    private boolean wakeRequested;
    private boolean started;
    private Thread dispatcher;

    public JobEngine(Database db, Clock clock, ObjectMapper mapper, JobsOptions options, SandboxProvider sandboxes) {
        this(db, false, false, clock, mapper, options, sandboxes);
    }

    /**
     * A client over the database: it takes no lock and never starts (no dispatcher, no scheduler
     * firing); it submits, reads, cancels and edits schedules, and the engine that holds the
     * database (a worker, perhaps in another process) does the work.
     */
    public static JobEngine client(Database db, Clock clock, ObjectMapper mapper, JobsOptions options) {
        return new JobEngine(db, false, true, clock, mapper, options, null);
    }

    /**
     * Opens the SQLite database in {@code file} and a {@link #client client} over it that closes the
     * database when it is closed; no Docker involved.
     *
     * @throws SandboxException {@code DATABASE_UNAVAILABLE} if the file cannot be opened
     */
    public static JobEngine openSqliteClient(Path file, Clock clock, ObjectMapper mapper, JobsOptions options) {
        return openSqlite(file, true, clock, mapper, options, null);
    }

    private JobEngine(Database db, boolean ownsDatabase, boolean client, Clock clock, ObjectMapper mapper,
                      JobsOptions options, SandboxProvider sandboxes) {
        this.db = db;
        this.ownsDatabase = ownsDatabase;
        this.client = client;
        this.clock = clock;
        this.json = mapper.copy().registerModule(new JavaTimeModule());
        this.options = options;
        this.sandboxes = sandboxes == null ? SandboxProvider.NONE : sandboxes;
        this.engineLock = db.dialect() == Dialect.SQLITE && !client ? EngineLock.acquire(Path.of(db.location())) : null;
        try {
            this.store = new JobStore(db);
            this.logWriter = new LogWriter(store.logs());
            String id = engineId();
            // A client never fires: it edits the schedules table, which the running engine syncs.
            this.quartz = client ? null : new QuartzScheduling(db, "sandbox-jobs-" + id, options.quartzThreads(), 5_000,
                    this);
        } catch (RuntimeException e) {
            if (engineLock != null) {
                engineLock.close();
            }
            throw translate(e);
        }
        this.workers = Executors.newCachedThreadPool(daemon("sandbox-jobs-run-"));
        this.timers = Executors.newScheduledThreadPool(2, daemon("sandbox-jobs-timer-"));
        timers.scheduleWithFixedDelay(logWriter::flushIfPending, 50, 50, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the SQLite database in {@code file} and an engine over it that closes the database
     * when it is closed.
     *
     * @throws SandboxException {@code DATABASE_UNAVAILABLE} if the file cannot be opened,
     *                          {@code DATABASE_LOCKED} if another engine uses it
     */
    public static JobEngine openSqlite(Path file, Clock clock, ObjectMapper mapper, JobsOptions options,
                                       SandboxProvider sandboxes) {
        return openSqlite(file, false, clock, mapper, options, sandboxes);
    }

    private static JobEngine openSqlite(Path file, boolean client, Clock clock, ObjectMapper mapper,
                                        JobsOptions options, SandboxProvider sandboxes) {
        Database db;
        try {
            db = Database.openSqlite(file);
        } catch (StorageException e) {
            throw new SandboxException(ErrorCode.DATABASE_UNAVAILABLE, e.getMessage(), e);
        }
        try {
            return new JobEngine(db, true, client, clock, mapper, options, sandboxes);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private String engineId() {
        return store.gate().write(h -> {
            h.createUpdate("insert into engine_info (name, value) values ('engine-id', :v) on conflict do nothing")
                    .bind("v", UUID.randomUUID().toString()).execute();
            return h.createQuery("select value from engine_info where name = 'engine-id'").mapTo(String.class).one();
        });
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void register(Workflow workflow) {
        workflows.put(workflow.name(), workflow);
        wake();
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            ensureOpen();
            if (client) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A jobs client cannot start: it only"
                        + " submits and reads. Run the work with engine.jobs().start() (or `sandbox-jobs worker`).");
            }
            if (started) {
                return;
            }
            started = true;
            guard(() -> {
                new RecoveryTask(this).run();
                reconcileScheduler();
                return null;
            });
            quartz.start();
            dispatcher = new Thread(this::dispatchLoop, "sandbox-jobs-dispatcher");
            dispatcher.setDaemon(true);
            dispatcher.start();
            schedule(new ReaperTask(this), options.reapInterval());
            schedule(new StrandedRunTask(this), options.reapInterval());
            schedule(new CancelWatchTask(this), Duration.ofMillis(500));
            schedule(new ScheduleSyncTask(this), Duration.ofSeconds(1));
            if (db.dialect() == Dialect.SQLITE) {
                schedule(new CheckpointTask(db), Duration.ofMillis(200));
            }
            if (options.retention() != null) {
                schedule(new RetentionTask(this), options.retentionInterval());
            }
        }
    }

    private void schedule(Task task, Duration every) {
        timers.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Task {} failed; it runs again in {}", task.name(), every, e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Recreates Quartz triggers that a crash separated from our rows, and drops orphans. */
    private void reconcileScheduler() {
        syncSchedules();
        for (RunRow r : store.runs().inState(RunState.QUEUED.name())) {
            if (r.awaitingTrigger()) {
                quartz.scheduleRunAt(r.id(), Instant.ofEpochMilli(r.notBefore() == null ? 0 : r.notBefore()));
            }
        }
    }

    /**
     * Makes Quartz's triggers match the schedules table: adds missing ones, drops orphans, follows
     * pauses and cron changes (made by this engine or by a client in another process).
     */
    void syncSchedules() {
        Set<String> known = new HashSet<>();
        for (ScheduleRow s : store.schedules().list()) {
            known.add(s.id());
            Object[] trigger = quartz.pausedAndCron(s.id());
            if (trigger == null || !s.cron().equals(trigger[1])) {
                quartz.scheduleCron(s.id(), s.cron(), ZoneId.of(s.timeZone()), MisfirePolicy.valueOf(s.misfirePolicy()),
                        s.paused());
            } else if ((Boolean) trigger[0] != s.paused()) {
                if (s.paused()) {
                    quartz.pause(s.id());
                } else {
                    quartz.resume(s.id());
                }
            }
        }
        for (JobKey key : quartz.scheduleJobs()) {
            if (!known.contains(key.getName())) {
                quartz.delete(key.getName());
            }
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            closing = true;
        }
        List<RuntimeException> errors = new ArrayList<>();
        if (quartz != null) {
            run(errors, quartz::close);
        }
        run(errors, () -> {
            if (dispatcher != null) {
                dispatcher.interrupt();
                dispatcher.join(5_000);
            }
        });
        run(errors, () -> {
            workers.shutdownNow();
            workers.awaitTermination(5, TimeUnit.SECONDS);
        });
        run(errors, logWriter::flush);
        run(errors, () -> {
            timers.shutdownNow();
            timers.awaitTermination(5, TimeUnit.SECONDS);
        });
        run(errors, () -> {
            if (engineLock != null) {
                engineLock.close();
            }
        });
        if (ownsDatabase) {
            run(errors, db::close);
        }
        if (!errors.isEmpty()) {
            RuntimeException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        synchronized (lifecycle) {
            if (closing) {
                return active.isEmpty();
            }
            draining = true;
        }
        if (quartz != null) {
            quartz.standby();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean allFinished = active.isEmpty();
        close();
        return allFinished;
    }

    /**
     * The pid of the live process running jobs on this SQLite database (holding its lock), if any:
     * a hint for clients.
     */
    /** The pid of the live process holding the engine lock of the SQLite database {@code file}, if any. */
    public static java.util.Optional<Long> lockHolderPid(Path file) {
        return EngineLock.holderPid(file.toAbsolutePath().normalize());
    }

    public static java.util.Optional<Long> lockHolderPid(Database db) {
        return db.dialect() == Dialect.SQLITE ? EngineLock.holderPid(Path.of(db.location())) : java.util.Optional.empty();
    }

    /** The runs this engine is executing now. */
    Set<String> activeRunIds() {
        return Set.copyOf(active.keySet());
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

    private void ensureOpen() {
        if (closing) {
            throw new SandboxException(ErrorCode.CLOSED, "The job engine is closed; create a new one.");
        }
    }

    // ---------------------------------------------------------------- submission

    @Override
    public Run submit(RunRequest request) {
        return submit(request, null, null, null);
    }

    @Override
    public Run submitAt(RunRequest request, Instant at) {
        if (at == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "submitAt needs a time; use submit to run now.");
        }
        if (client) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A jobs client cannot submit timed runs; use"
                    + " submitAt on the engine that runs the jobs, or a schedule.");
        }
        return submit(request, at, null, null);
    }

    Run submit(RunRequest request, Instant at, String scheduleId, String keyOverride) {
        ensureOpen();
        Workflow wf = workflow(request.workflow());
        JsonNode params = parameters(request.parameters());
        List<String> problems = wf.validator().validate(params);
        if (!problems.isEmpty()) {
            throw new SandboxException(ErrorCode.INVALID_PARAMETERS, "Parameters of workflow " + wf.name()
                    + " are invalid: " + String.join("; ", problems) + ". Fix them and submit again.");
        }
        RetryPolicy retry = request.retry() != null ? request.retry() : wf.retry();
        Duration timeout = request.timeout() != null ? request.timeout() : wf.timeout();
        SandboxSpec spec = request.sandbox() != null ? request.sandbox() : wf.sandbox(params);
        long now = clock.millis();
        String id = "run-" + UUID.randomUUID();
        String key = keyOverride != null ? keyOverride : request.idempotencyKey();
        List<String> stepNames = wf.steps().stream().map(Step::name).toList();
        NewRun row = new NewRun(id, wf.name(), RunState.QUEUED.name(), request.priority(), write(params),
                spec == null ? null : write(spec), request.labels(), write(request.labels()), key, scheduleId,
                timeout == null ? null : timeout.toMillis(), retryColumns(retry),
                at == null ? null : at.toEpochMilli(), at != null, now, stepNames, RunState.QUEUED.name());
        RunRepository.Inserted inserted = guard(() -> store.runs().insert(row));
        if (!inserted.created()) {
            return get(inserted.id());
        }
        if (at != null) {
            quartz.scheduleRunAt(id, at);
        }
        event(RunEvent.Type.QUEUED, id, wf.name(), RunState.QUEUED, null, null);
        wake();
        List<StepRun> steps = new ArrayList<>();
        for (int i = 0; i < stepNames.size(); i++) {
            steps.add(new StepRun(i, stepNames.get(i), RunState.QUEUED, 0, null, null, null, null));
        }
        return new Run(id, wf.name(), RunState.QUEUED, request.priority(), params, request.labels(), key, scheduleId,
                0, retry.maxAttempts(), timeout, Instant.ofEpochMilli(now), null, null, at, null, null, null, steps);
    }

    Workflow workflow(String name) {
        Workflow wf = workflows.get(name);
        if (wf == null) {
            throw new SandboxException(ErrorCode.UNKNOWN_WORKFLOW, "No workflow named \"" + name
                    + "\" is registered; register it with jobs.register(...) before submitting. Known: "
                    + workflows.keySet());
        }
        return wf;
    }

    private JsonNode parameters(Object p) {
        if (p == null) {
            return json.createObjectNode();
        }
        JsonNode node;
        try {
            node = p instanceof JsonNode n ? n : json.valueToTree(p);
        } catch (IllegalArgumentException e) {
            throw new SandboxException(ErrorCode.INVALID_PARAMETERS, "Parameters cannot be turned into JSON: "
                    + e.getMessage() + ". Pass a JsonNode, a Map or a serialisable object.", e);
        }
        if (!(node instanceof ObjectNode)) {
            throw new SandboxException(ErrorCode.INVALID_PARAMETERS, "Parameters must be a JSON object, got "
                    + node.getNodeType() + ". Pass a Map or an ObjectNode.");
        }
        return node;
    }

    private static RunRow.RetryColumns retryColumns(RetryPolicy r) {
        return new RunRow.RetryColumns(r.maxAttempts(), r.initialBackoff().toMillis(), r.maxBackoff().toMillis(),
                r.multiplier(), r.jitter(), r.retryFailedResults());
    }

    static RetryPolicy retryPolicy(RunRow.RetryColumns c) {
        return new RetryPolicy(c.maxAttempts(), Duration.ofMillis(c.initialMs()), Duration.ofMillis(c.maxMs()),
                c.multiplier(), c.jitter(), c.retryFailedResults());
    }

    // ---------------------------------------------------------------- Quartz callbacks

    @Override
    public void fireSchedule(String scheduleId, Instant scheduledFireTime) {
        ScheduleRow s = store.schedules().find(scheduleId).orElse(null);
        if (s == null || closing) {
            return;
        }
        try {
            RunRequest request = json.readValue(s.request(), RunRequest.class);
            submit(request, null, scheduleId, "schedule:" + scheduleId + ":" + scheduledFireTime.toEpochMilli());
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.error("Schedule {} could not submit its run for {}", scheduleId, scheduledFireTime, e);
        }
    }

    @Override
    public void releaseTimedRun(String runId) {
        if (store.runs().releaseTrigger(runId)) {
            wake();
        }
    }

    // ---------------------------------------------------------------- schedules

    @Override
    public Schedule schedule(ScheduleRequest request) {
        ensureOpen();
        QuartzScheduling.validateCron(request.cron());
        Workflow wf = workflow(request.run().workflow());
        List<String> problems = wf.validator().validate(parameters(request.run().parameters()));
        if (!problems.isEmpty()) {
            throw new SandboxException(ErrorCode.INVALID_PARAMETERS, "Parameters of schedule " + request.id()
                    + " are invalid: " + String.join("; ", problems) + ".");
        }
        ScheduleRow row = new ScheduleRow(request.id(), wf.name(), request.cron(), request.timeZone().getId(),
                request.misfirePolicy().name(), write(request.run()), false, clock.millis(), 0);
        if (!guard(() -> store.schedules().insert(row))) {
            throw new SandboxException(ErrorCode.SCHEDULE_EXISTS, "A schedule with id " + request.id()
                    + " already exists; delete it first or choose another id.");
        }
        if (quartz != null) {
            quartz.scheduleCron(request.id(), request.cron(), request.timeZone(), request.misfirePolicy(), false);
        }
        return schedule(request.id());
    }

    private Schedule schedule(String id) {
        ScheduleRow s = guard(() -> store.schedules().find(id)).orElseThrow(() -> new SandboxException(
                ErrorCode.SCHEDULE_NOT_FOUND, "No schedule has id " + id + "; list them with jobs.schedules()."));
        return toSchedule(s);
    }

    private Schedule toSchedule(ScheduleRow s) {
        Instant[] times = quartz != null ? quartz.fireTimes(s.id()) : new Instant[] {
                s.paused() ? null : QuartzScheduling.nextFireTime(s.cron(), ZoneId.of(s.timeZone()), clock.instant()), null};
        return new Schedule(s.id(), s.workflow(), s.cron(), ZoneId.of(s.timeZone()),
                MisfirePolicy.valueOf(s.misfirePolicy()), s.paused(), times[0], times[1]);
    }

    @Override
    public List<Schedule> schedules() {
        return guard(() -> store.schedules().list()).stream().map(this::toSchedule).toList();
    }

    @Override
    public Schedule pauseSchedule(String scheduleId) {
        schedule(scheduleId);
        // The row first: the schedule sync task makes Quartz follow the rows.
        store.schedules().setPaused(scheduleId, true);
        if (quartz != null) {
            quartz.pause(scheduleId);
        }
        return schedule(scheduleId);
    }

    @Override
    public Schedule resumeSchedule(String scheduleId) {
        schedule(scheduleId);
        store.schedules().setPaused(scheduleId, false);
        if (quartz != null) {
            quartz.resume(scheduleId);
        }
        return schedule(scheduleId);
    }

    @Override
    public boolean deleteSchedule(String scheduleId) {
        boolean deleted = guard(() -> store.schedules().delete(scheduleId));
        if (quartz != null) {
            quartz.delete(scheduleId);
        }
        return deleted;
    }

    // ---------------------------------------------------------------- dispatching

    void wake() {
        synchronized (wakeLock) {
            wakeRequested = true;
            wakeLock.notifyAll();
        }
    }

    private void dispatchLoop() {
        long waitMillis = 0;
        while (!closing) {
            try {
                synchronized (wakeLock) {
                    if (!wakeRequested && waitMillis > 0) {
                        wakeLock.wait(waitMillis);
                    }
                    wakeRequested = false;
                }
                waitMillis = dispatchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                LOG.warn("Dispatching failed; retrying in 1 s", e);
                waitMillis = 1_000;
            }
        }
    }

    /** Starts what may start now; returns how long to sleep unless woken. */
    long dispatchOnce() {
        if (draining) {
            return 1_000;
        }
        int free = options.maxConcurrentRuns() - active.size();
        long now = clock.millis();
        if (free > 0) {
            int fetch = free + 64;
            Map<String, Integer> perWorkflow = new HashMap<>();
            for (RunExecution e : active.values()) {
                perWorkflow.merge(e.workflow.name(), 1, Integer::sum);
            }
            Map<String, RunExecution> chosen = new LinkedHashMap<>();
            List<RunRow> candidates;
            int offset = 0;
            do {
                // Runs of a workflow at its limit are skipped, so later runs of other workflows
                // are looked for further down the queue, a page at a time.
                candidates = store.runs().dispatchable(RunState.QUEUED.name(), now, fetch, offset);
                offset += candidates.size();
                for (RunRow r : candidates) {
                    if (chosen.size() >= free) {
                        break;
                    }
                    Workflow wf = workflows.get(r.workflow());
                    if (wf == null) {
                        continue;
                    }
                    Integer limit = options.workflowLimits().get(wf.name());
                    int running = perWorkflow.getOrDefault(wf.name(), 0);
                    if (limit != null && running >= limit) {
                        continue;
                    }
                    perWorkflow.put(wf.name(), running + 1);
                    RunExecution e = new RunExecution(this, wf, r);
                    chosen.put(r.id(), e);
                    active.put(r.id(), e);
                }
            } while (chosen.size() < free && candidates.size() == fetch && offset < 10_000);
            if (!chosen.isEmpty()) {
                List<String> claimed;
                try {
                    StateMachine.check(StateMachine.Subject.RUN, RunState.QUEUED, RunState.RUNNING);
                    StateMachine.check(StateMachine.Subject.STEP, RunState.QUEUED, RunState.RUNNING);
                    claimed = store.runs().claim(chosen.keySet(), RunState.QUEUED.name(), RunState.RUNNING.name(),
                            RunState.QUEUED.name(), RunState.RUNNING.name(), now);
                } catch (RuntimeException e) {
                    chosen.keySet().forEach(active::remove);
                    throw e;
                }
                Set<String> won = new HashSet<>(claimed);
                for (RunExecution e : chosen.values()) {
                    if (won.contains(e.runId)) {
                        e.startRunTimer();
                        workers.execute(e);
                    } else {
                        active.remove(e.runId);
                    }
                }
                if (chosen.size() == free || candidates.size() == fetch) {
                    return 0;
                }
            }
        }
        if (free <= 0) {
            return 1_000;   // a finishing run wakes the dispatcher
        }
        return store.runs().nextNotBefore(RunState.QUEUED.name(), now)
                .map(t -> Math.max(1, Math.min(1_000, t - now))).orElse(1_000L);
    }

    void released(RunExecution e) {
        active.remove(e.runId, e);
        wake();
    }

    // ---------------------------------------------------------------- following runs

    @Override
    public Run get(String runId) {
        RunRow row = guard(() -> store.runs().find(runId)).orElseThrow(() -> notFound(runId));
        return toRun(row, guard(() -> store.steps().forRun(runId)));
    }

    private static SandboxException notFound(String runId) {
        return new SandboxException(ErrorCode.RUN_NOT_FOUND, "No run has id " + runId
                + "; it may never have existed or been deleted by retention. List runs with jobs.list(...).");
    }

    @Override
    public Page<Run> list(RunQuery q) {
        Long before;
        try {
            before = q.pageToken() == null ? null : Long.parseLong(q.pageToken());
        } catch (NumberFormatException e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Page token " + q.pageToken()
                    + " is not one this engine returned; pass Page.nextPageToken() unchanged.");
        }
        Set<String> states = new HashSet<>();
        q.states().forEach(s -> states.add(s.name()));
        RunFilter filter = new RunFilter(states, q.workflow(), q.labelName(), q.labelValue(),
                q.createdFrom() == null ? null : q.createdFrom().toEpochMilli(),
                q.createdUntil() == null ? null : q.createdUntil().toEpochMilli(), before, q.limit() + 1);
        List<RunRow> rows = guard(() -> store.runs().list(filter));
        boolean more = rows.size() > q.limit();
        List<RunRow> page = more ? rows.subList(0, q.limit()) : rows;
        List<Run> runs = page.stream().map(r -> toRun(r, List.of())).toList();
        return new Page<>(runs, more ? Long.toString(page.get(page.size() - 1).seq()) : null);
    }

    @Override
    public Run await(String runId, Duration timeout) throws InterruptedException {
        CompletableFuture<Void> signal = finishSignals.computeIfAbsent(runId, k -> new CompletableFuture<>());
        Run run;
        try {
            run = get(runId);
        } catch (RuntimeException e) {
            finishSignals.remove(runId, signal);
            throw e;
        }
        // a run is recorded as over just before its sandbox is destroyed: while its execution is
        // still active (destroying), wait for the signal that follows, so that no container is left
        if (run.state().isFinished() && !active.containsKey(runId)) {
            finishSignals.remove(runId, signal);
            return run;
        }
        if (client) {
            finishSignals.remove(runId, signal);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!run.state().isFinished() && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
                run = get(runId);
            }
            return run;
        }
        try {
            signal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // fall through: the caller checks the state
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return get(runId);
    }

    @Override
    public CancelResult cancel(String runId) {
        ensureOpen();
        for (int i = 0; i < 100; i++) {
            RunRow row = guard(() -> store.runs().find(runId)).orElseThrow(() -> notFound(runId));
            RunState state = RunState.valueOf(row.state());
            if (state.isFinished()) {
                return new CancelResult(runId, false, state, "Run " + runId + " had already " + state
                        + "; nothing to cancel.");
            }
            Failure f = new Failure("Cancelled", "Cancelled on request", null, false);
            if (state == RunState.QUEUED) {
                StateMachine.check(StateMachine.Subject.RUN, RunState.QUEUED, RunState.CANCELLED);
                long now = clock.millis();
                boolean won = guard(() -> store.gate().write(h -> {
                    boolean ok = store.runs().transition(h, runId, RunState.QUEUED.name(), RunState.CANCELLED.name(),
                            row.version(), new RunRepository.Change(null, columns(f), null, now, null, false, false));
                    if (ok) {
                        store.steps().moveAll(h, runId, RunState.QUEUED.name(), RunState.CANCELLED.name(), now);
                    }
                    return ok;
                }));
                if (won) {
                    if (row.awaitingTrigger() && quartz != null) {
                        quartz.unscheduleRun(runId);
                    }
                    finished(runId, row.workflow(), RunState.CANCELLED);
                    return new CancelResult(runId, true, RunState.CANCELLED, "Run " + runId
                            + " was cancelled before it started.");
                }
                continue;
            }
            guard(() -> {
                store.runs().requestCancel(runId);
                return null;
            });
            RunExecution e = active.get(runId);
            if (e != null) {
                e.interrupt(RunState.CANCELLED, f);
                return new CancelResult(runId, true, RunState.CANCELLED, "Run " + runId
                        + " was cancelled while running; its sandbox is destroyed.");
            }
            return new CancelResult(runId, true, RunState.RUNNING, "Run " + runId + (client
                    ? " is being cancelled by the engine running it (within a second)."
                    : " will be cancelled when its engine resumes it."));
        }
        throw new SandboxException(ErrorCode.DATABASE_LOCKED, "Run " + runId
                + " kept changing while it was being cancelled; try again.");
    }

    @Override
    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(RunListener listener) {
        listeners.remove(listener);
    }

    void event(RunEvent.Type type, String runId, String workflow, RunState state, String step, RunState stepState) {
        if (listeners.isEmpty()) {
            return;
        }
        RunEvent e = new RunEvent(type, runId, workflow, state, step, stepState, clock.instant());
        for (RunListener l : listeners) {
            try {
                switch (type) {
                    case QUEUED -> l.onQueued(e);
                    case STARTED -> l.onStarted(e);
                    case STEP_STARTED -> l.onStepStarted(e);
                    case STEP_FINISHED -> l.onStepFinished(e);
                    case FINISHED -> l.onFinished(e);
                }
            } catch (RuntimeException ex) {
                LOG.warn("Run listener {} threw on {}; ignored", l, e, ex);
            }
        }
    }

    /** Tells listeners, then awaiters, that a run is over (after it was persisted). */
    void finished(String runId, String workflow, RunState state) {
        event(RunEvent.Type.FINISHED, runId, workflow, state, null, null);
        CompletableFuture<Void> f = finishSignals.remove(runId);
        if (f != null) {
            f.complete(null);
        }
    }

    // ---------------------------------------------------------------- logs and artifacts

    @Override
    public List<LogLine> logs(String runId, long afterSeq, int limit) {
        Run run = get(runId);
        return toLines(run, guard(() -> store.logs().after(runId, afterSeq, Math.max(1, Math.min(limit, 10_000)))));
    }

    private List<LogLine> toLines(Run run, List<LogRow> rows) {
        List<LogLine> lines = new ArrayList<>(rows.size());
        for (LogRow r : rows) {
            String step = r.stepIndex() < run.steps().size() ? run.steps().get(r.stepIndex()).name() : null;
            lines.add(new LogLine(r.seq(), r.runId(), step, r.stream(), Instant.ofEpochMilli(r.at()), r.line()));
        }
        return lines;
    }

    @Override
    public LogFollow followLogs(String runId, Consumer<LogLine> consumer) {
        Run first = get(runId);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            long after = 0;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Run run = get(runId);
                    boolean over = run.state().isFinished();
                    List<LogRow> rows = store.logs().after(runId, after, 1_000);
                    for (LogLine l : toLines(run, rows)) {
                        consumer.accept(l);
                        after = l.seq();
                    }
                    if (over && rows.isEmpty()) {
                        return;
                    }
                    if (rows.isEmpty()) {
                        Thread.sleep(50);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Following the log of {} stopped", runId, e);
            } finally {
                done.countDown();
            }
        }, "sandbox-jobs-follow-" + first.id());
        t.setDaemon(true);
        t.start();
        return new LogFollow() {
            @Override
            public boolean awaitEnd(Duration timeout) throws InterruptedException {
                return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                t.interrupt();
            }
        };
    }

    @Override
    public List<ArtifactInfo> artifacts(String runId) {
        Run run = get(runId);
        return guard(() -> store.artifacts().list(runId)).stream()
                .map(a -> new ArtifactInfo(runId, a.name(), a.stepIndex() < run.steps().size()
                        ? run.steps().get(a.stepIndex()).name() : null, a.size(), Instant.ofEpochMilli(a.createdAt())))
                .toList();
    }

    @Override
    public byte[] readArtifact(String runId, String name) {
        get(runId);
        return guard(() -> store.artifacts().content(runId, name)).orElseThrow(() -> new SandboxException(
                ErrorCode.ARTIFACT_NOT_FOUND, "Run " + runId + " has no artifact named " + name
                + "; list them with jobs.artifacts(runId)."));
    }

    @Override
    public int sweepRetention() {
        return options.retention() == null ? 0 : guard(() -> new RetentionTask(this).sweep());
    }

    // ---------------------------------------------------------------- mapping and helpers

    Run toRun(RunRow r, List<StepRow> steps) {
        List<StepRun> stepRuns = new ArrayList<>(steps.size());
        for (StepRow s : steps) {
            stepRuns.add(new StepRun(s.index(), s.name(), RunState.valueOf(s.state()), s.attempt(),
                    instant(s.startedAt()), instant(s.finishedAt()), read(s.result()), failure(s.failure())));
        }
        return new Run(r.id(), r.workflow(), RunState.valueOf(r.state()), r.priority(), read(r.parameters()),
                readMap(r.labels()), r.idempotencyKey(), r.scheduleId(), r.attempt(), r.retry().maxAttempts(),
                r.timeoutMs() == null ? null : Duration.ofMillis(r.timeoutMs()), Instant.ofEpochMilli(r.createdAt()),
                instant(r.startedAt()), instant(r.finishedAt()), instant(r.notBefore()), r.sandboxId(),
                read(r.result()), failure(r.failure()), stepRuns);
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    static Failure failure(FailureColumns f) {
        return f == null ? null : new Failure(f.type(), f.message(), f.stackTrace(), f.retryable());
    }

    static FailureColumns columns(Failure f) {
        return f == null ? null : new FailureColumns(f.type(), f.message(), f.stackTrace(), f.retryable());
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Cannot write " + value.getClass().getName()
                    + " as JSON: " + e.getOriginalMessage() + ". Return records, maps, lists or JsonNodes.", e);
        }
    }

    JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private Map<String, String> readMap(String text) {
        try {
            return text == null ? Map.of() : json.readValue(text, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    SandboxSpec readSpec(String text) {
        try {
            return text == null ? null : json.readValue(text, SandboxSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored sandbox spec is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** Runs a storage call, turning storage failures into typed errors. */
    static <T> T guard(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof SandboxException) {
            return e;
        }
        if (e instanceof StorageException || e instanceof JdbiException) {
            if (diskFull(e)) {
                return new SandboxException(ErrorCode.DATABASE_UNAVAILABLE, "The disk holding the database is full"
                        + " (SQLITE_FULL): nothing was written. Free space in the data directory and try again.", e);
            }
            boolean busy = dev.sandboxjobs.storage.run.WriteGate.isBusy(e);
            return new SandboxException(busy ? ErrorCode.DATABASE_LOCKED : ErrorCode.DATABASE_UNAVAILABLE,
                    (busy ? "The database is locked by another process: " : "The database failed: ")
                            + e.getMessage(), e);
        }
        return e;
    }

    /** Whether a storage failure is SQLite (or the file system) saying the disk is full. */
    static boolean diskFull(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("SQLITE_FULL") || m.contains("disk is full") || m.contains("No space left on device")) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (diskFull(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    Set<RunState> finishedStates() {
        return EnumSet.of(RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED, RunState.TIMED_OUT);
    }
}
