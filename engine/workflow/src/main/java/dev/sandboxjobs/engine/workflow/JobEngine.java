package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.internal.RealJobsClient;
import dev.sandboxjobs.engine.workflow.internal.RealJobsWorker;
import dev.sandboxjobs.engine.workflow.internal.SdkSandboxProvider;
import dev.sandboxjobs.storage.DataDirectory;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.StorageException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The job engine: durable workflows of steps over a database, with a per-run sandbox from a
 * {@link SandboxProvider}. It hands out the {@link #worker() worker} that runs the work and a
 * {@link #client() client} that only submits and reads. One per application and database;
 * thread-safe; {@link #close()} it before the {@code SandboxEngine} it uses.
 *
 * <pre>{@code
 * try (SandboxEngine sandboxes = SandboxEngine.create();
 *      JobEngine jobs = JobEngine.over(sandboxes)) {          // same database, sandboxes from the SDK
 *     JobsWorker worker = jobs.worker();
 *     worker.register(Workflow.named("build")
 *             .sandbox(SandboxSpec.defaults())
 *             .step(Step.of("make", ctx -> {
 *                 ExecResult r = ctx.sandbox(Sandbox.class).exec("make");
 *                 return r.success() ? StepResult.success(r.exitCode()) : StepResult.failure(r.stderr(), null);
 *             }))
 *             .build());
 *     worker.start();                    // after registering: recovers runs left by a previous process
 *     Run run = worker.submit(RunRequest.of("build").build());
 * }
 * }</pre>
 *
 * <p>Each run of a workflow that declares a {@link SandboxSpec} gets its own sandbox, labelled
 * {@code dev.sandboxjobs.run=<runId>} and destroyed when the run ends; its steps reach it with
 * {@code ctx.sandbox(Sandbox.class)}. Without a sandbox provider (a database-only engine), such a
 * workflow fails to start; workflows without a sandbox run anywhere.
 *
 * <p>Errors are {@link JobException}s with a {@link JobErrorCode}.
 */
public final class JobEngine implements AutoCloseable {
    private final Database database;
    private final boolean ownsDatabase;
    private final Clock clock;
    private final ObjectMapper objectMapper;
    private final JobsOptions options;
    private final SandboxProvider sandboxes;
    private final Object lock = new Object();
    private RealJobsWorker worker;
    private RealJobsClient client;
    private boolean closed;

    private JobEngine(Database database, boolean ownsDatabase, Clock clock, ObjectMapper objectMapper,
                      JobsOptions options, SandboxProvider sandboxes) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.clock = clock;
        this.objectMapper = objectMapper;
        this.options = options;
        this.sandboxes = sandboxes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A job engine over a sandbox engine, with every other default: the sandbox engine's database
     * and clock, sandboxes from it, secrets from the environment, {@link JobsOptions#defaults()}.
     * Close it before {@code sandboxes}.
     */
    public static JobEngine over(SandboxEngine sandboxes) {
        return builder().sandboxEngine(sandboxes).build();
    }

    /**
     * The worker that runs the jobs, created on the first call (the same instance afterwards) but
     * not started: register the workflows, then call {@link JobsWorker#start()}. Several workers
     * (in this process, other processes or other machines) may run jobs on one database, a SQLite
     * file or PostgreSQL: each holds a lease there, and when one stops renewing it (killed, frozen,
     * its machine gone) for {@link JobsOptions#takeoverAfter()}, another takes over its runs (see
     * docs/scale-out.md). Processes that only submit and read use {@link #client()} or
     * {@link #openClient(Path)}. Closed with this engine.
     *
     * @throws JobException {@link JobErrorCode#CLOSED} after {@link #close()}
     */
    public JobsWorker worker() {
        synchronized (lock) {
            checkOpen();
            if (worker == null) {
                worker = new RealJobsWorker(database, clock, objectMapper, options, sandboxes);
            }
            return worker;
        }
    }

    /**
     * A client over this engine's database, for code that submits and observes runs while a worker
     * (perhaps in another process, such as {@code sandbox-jobs worker}) executes them: it takes no
     * lock. Created on the first call (the same instance afterwards); closed with this engine.
     *
     * <pre>{@code
     * JobsClient client = jobs.client();
     * client.register(buildWorkflow);
     * Run run = client.submit(RunRequest.of("build").build());
     * if (jobs.workerPid().isEmpty()) System.out.println("no worker runs; it stays queued");
     * }</pre>
     */
    public JobsClient client() {
        synchronized (lock) {
            checkOpen();
            if (client == null) {
                client = RealJobsClient.over(database, clock, objectMapper, options);
            }
            return client;
        }
    }

    /**
     * The pid of the live process that runs jobs on this engine's database (it called
     * {@link #worker()} and started it), if any; this process's own pid after its own start. A
     * hint read from the workers' leases in the database (on PostgreSQL the worker may run on
     * another machine, whose pid this is).
     */
    public Optional<Long> workerPid() {
        synchronized (lock) {
            checkOpen();
            return RealJobsWorker.workerPid(database);
        }
    }

    /**
     * Destroys the sandboxes of runs that no longer need them (the run is over or unknown), as the
     * worker does every {@link JobsOptions#reapInterval()}, and returns them. From a process that
     * runs no worker, the sandbox of a run that is not over is kept, whatever its worker does with it.
     */
    public List<SandboxProvider.LiveSandbox> reapSandboxes() {
        synchronized (lock) {
            checkOpen();
            return worker != null ? worker.reapSandboxes() : RealJobsClient.reapSandboxes(database, clock, objectMapper,
                    options, sandboxes);
        }
    }

    /** The database the engine keeps its runs, steps, logs, artifacts and schedules in. */
    public Database database() {
        return database;
    }

    /**
     * A client on a SQLite database alone, without Docker: what {@link #client()} does (submit, read
     * runs, logs and artifacts, cancel, edit schedules), for tools that only need the database, such
     * as {@code sandbox-jobs runs list}. It is quick and works while Docker is down. Closing it
     * closes the database.
     *
     * <pre>{@code
     * try (JobsClient client = JobEngine.openClient(Path.of("/var/lib/app/sandbox-jobs.db"))) {
     *     client.list(RunQuery.all().inStates(RunState.FAILED)).items().forEach(System.out::println);
     * }
     * }</pre>
     *
     * @throws JobException {@link JobErrorCode#DATABASE_UNAVAILABLE} if the file cannot be opened
     */
    public static JobsClient openClient(Path databaseFile) {
        return openClient(DatabaseLocation.file(databaseFile.toAbsolutePath().normalize()));
    }

    /**
     * {@link #openClient(Path)} on a database given as text: a SQLite file path or a PostgreSQL URL
     * such as {@code jdbc:postgresql://db:5432/jobs?user=jobs&password=…} (see
     * {@link DatabaseLocation#parse}).
     *
     * @throws JobException {@link JobErrorCode#INVALID_ARGUMENT} if it is neither,
     *                      {@link JobErrorCode#DATABASE_UNAVAILABLE} if it cannot be opened
     */
    public static JobsClient openClient(String fileOrUrl) {
        return openClient(parse(fileOrUrl));
    }

    private static DatabaseLocation parse(String fileOrUrl) {
        try {
            return DatabaseLocation.parse(fileOrUrl);
        } catch (StorageException e) {
            throw new JobException(JobErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    /**
     * {@link #openClient(Path)} on any database: a SQLite file or a PostgreSQL server, such as
     * {@code DatabaseLocation.parse("jdbc:postgresql://db:5432/jobs?user=jobs")}.
     *
     * @throws JobException {@link JobErrorCode#DATABASE_UNAVAILABLE} if the database cannot be opened
     */
    public static JobsClient openClient(DatabaseLocation database) {
        return RealJobsClient.open(database, Clock.systemUTC(), new ObjectMapper(), JobsOptions.defaults());
    }

    /**
     * {@link #workerPid()} for a SQLite database file, without Docker: the pid of a live process
     * that runs jobs on it, if any (none if the file does not exist).
     */
    public static Optional<Long> workerPid(Path databaseFile) {
        return RealJobsWorker.workerPid(databaseFile);
    }

    /**
     * Closes the worker (runs in flight stay recorded as running and resume in the next engine) and
     * the client, then the database if this engine opened it. Leaves the sandbox engine open. Safe
     * twice.
     */
    @Override
    public void close() {
        RealJobsWorker w;
        RealJobsClient c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            w = worker;
            c = client;
            worker = null;
            client = null;
        }
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable part : new AutoCloseable[] {w, c, ownsDatabase ? database : null}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (RuntimeException e) {
                failures.add(e);
            } catch (Exception e) {
                failures.add(new IllegalStateException(e));
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new JobException(JobErrorCode.CLOSED, "The job engine was closed. Build a new JobEngine.");
        }
    }

    /**
     * Builds a {@link JobEngine}; every setting is optional. The database is, in this order: the one
     * given, the file given, the sandbox engine's, else {@code sandbox-jobs.db} in the data
     * directory (default {@link DataDirectory#defaultFor}).
     *
     * <pre>{@code
     * JobEngine jobs = JobEngine.builder()
     *         .sandboxEngine(sandboxes)
     *         .options(JobsOptions.defaults().withMaxConcurrentRuns(4))
     *         .secretResolver(name -> Secret.from(() -> vault.read("ci/" + name)))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private SandboxEngine sandboxEngine;
        private SandboxProvider sandboxProvider;
        private Database database;
        private Path databaseFile;
        private DatabaseLocation databaseLocation;
        private Path dataDirectory;
        private Clock clock;
        private JobsOptions options = JobsOptions.defaults();
        private SecretResolver secretResolver = SecretResolver.fromEnvironment();
        private ObjectMapper objectMapper;

        private Builder() {
        }

        /**
         * Runs' sandboxes come from this sandbox engine (through its public API), whose database and
         * clock are also the defaults.
         */
        public Builder sandboxEngine(SandboxEngine value) {
            sandboxEngine = Objects.requireNonNull(value, "sandboxEngine");
            return this;
        }

        /** Runs' sandboxes come from this provider instead (over another backend, or a fake in a test). */
        public Builder sandboxProvider(SandboxProvider value) {
            sandboxProvider = Objects.requireNonNull(value, "sandboxProvider");
            return this;
        }

        /** An already open database to share; the job engine does not close it. */
        public Builder database(Database value) {
            database = Objects.requireNonNull(value, "database");
            return this;
        }

        /** The SQLite database file to open (and close with the engine). */
        public Builder databaseFile(Path value) {
            databaseFile = Objects.requireNonNull(value, "databaseFile");
            return this;
        }

        /**
         * The database to open (and close with the engine): a SQLite file or a PostgreSQL server
         * ({@link DatabaseLocation#parse}), over {@link #databaseFile} and {@link #dataDirectory}.
         */
        public Builder databaseLocation(DatabaseLocation value) {
            databaseLocation = Objects.requireNonNull(value, "databaseLocation");
            return this;
        }

        /**
         * {@link #databaseLocation} given as text: a SQLite file path or a PostgreSQL URL.
         *
         * @throws JobException {@link JobErrorCode#INVALID_ARGUMENT} if it is neither
         */
        public Builder databaseUrl(String fileOrUrl) {
            return databaseLocation(parse(fileOrUrl));
        }

        /** The data directory whose {@code sandbox-jobs.db} to open (and close with the engine). */
        public Builder dataDirectory(Path value) {
            dataDirectory = Objects.requireNonNull(value, "dataDirectory");
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Concurrency limits, retention, threads (default {@link JobsOptions#defaults()}). */
        public Builder options(JobsOptions value) {
            options = Objects.requireNonNull(value, "options");
            return this;
        }

        /**
         * How a sandbox spec's secret names become values for the sandbox engine's sandboxes
         * (default: the process's environment variables of the same names).
         */
        public Builder secretResolver(SecretResolver value) {
            secretResolver = Objects.requireNonNull(value, "secretResolver");
            return this;
        }

        /** The Jackson mapper for runs' parameters and results (default a plain {@code ObjectMapper}). */
        public Builder objectMapper(ObjectMapper value) {
            objectMapper = Objects.requireNonNull(value, "objectMapper");
            return this;
        }

        /**
         * Opens the database if needed. Nothing runs until {@link JobEngine#worker()} is started.
         *
         * @throws JobException {@link JobErrorCode#DATABASE_UNAVAILABLE} if the database cannot be opened
         */
        public JobEngine build() {
            SandboxProvider provider = sandboxProvider != null ? sandboxProvider
                    : sandboxEngine != null ? new SdkSandboxProvider(sandboxEngine, secretResolver)
                    : SandboxProvider.NONE;
            Clock c = clock != null ? clock : sandboxEngine != null ? sandboxEngine.clock() : Clock.systemUTC();
            ObjectMapper mapper = objectMapper != null ? objectMapper : new ObjectMapper();
            if (database != null) {
                return new JobEngine(database, false, c, mapper, options, provider);
            }
            if (databaseLocation == null && databaseFile == null && dataDirectory == null && sandboxEngine != null) {
                return new JobEngine(sandboxEngine.database(), false, c, mapper, options, provider);
            }
            DatabaseLocation where = databaseLocation != null ? databaseLocation : DatabaseLocation.file(
                    (databaseFile != null ? databaseFile : DataDirectory.databaseFile(dataDirectory != null
                            ? dataDirectory : DataDirectory.defaultFor(System.getenv()))).toAbsolutePath().normalize());
            Database db;
            try {
                db = Database.open(where);
            } catch (StorageException e) {
                throw new JobException(JobErrorCode.DATABASE_UNAVAILABLE, e.getMessage(), e);
            }
            return new JobEngine(db, true, c, mapper, options, provider);
        }
    }
}
