package dev.sandboxjobs.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.internal.EngineConfig;
import dev.sandboxjobs.engine.internal.EngineCore;
import dev.sandboxjobs.engine.internal.Versions;
import dev.sandboxjobs.engine.internal.jobs.SdkSandboxProvider;
import dev.sandboxjobs.engine.workflow.Jobs;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.SecretResolver;
import dev.sandboxjobs.engine.workflow.internal.JobEngine;
import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine: sandboxes on a Docker engine, with their state in an embedded database. One per
 * application; thread-safe; {@link #close()} it at the end.
 *
 * <pre>{@code
 * try (SandboxEngine engine = SandboxEngine.create()) {
 *     Sandbox sandbox = engine.getSandbox("my-sandbox");
 *     System.out.println(sandbox.exec("python3 -c 'print(1 + 1)'").stdout());
 * }
 * }</pre>
 *
 * <p>With no configuration it uses the Docker engine at {@code DOCKER_HOST} (else
 * {@code unix:///var/run/docker.sock}), the image {@code sandbox-jobs/runtime:<version>} and the
 * SQLite database {@code ~/.sandbox-jobs/sandbox-jobs.db}. A second engine on the same database,
 * later or in another process, finds the same sandboxes by id.
 *
 * <p>At start and then every minute it removes orphan containers (labelled with this database's
 * engine id but unknown to it), stops sandboxes idle longer than their {@code sleepAfter}, and
 * destroys those older than their {@code maxLifetime}.
 */
public final class SandboxEngine implements AutoCloseable {
    /** The label holding the engine id on every container the engine creates. */
    public static final String ENGINE_LABEL = "dev.sandboxjobs.engine";
    /** The label holding the sandbox id. */
    public static final String SANDBOX_LABEL = "dev.sandboxjobs.sandbox";
    /** The file name of the database inside the data directory. */
    public static final String DATABASE_FILE_NAME = "sandbox-jobs.db";

    /**
     * The label on the containers of a warm pool ({@link Builder#warmPool}), valued with their
     * owner process as {@code host/pid/startMillis}; they carry no {@link #SANDBOX_LABEL}, even once
     * handed to a sandbox (Docker labels cannot change), and the sandbox's labels are in its
     * {@link SandboxInfo}.
     */
    public static final String POOL_LABEL = dev.sandboxjobs.engine.internal.sandbox.WarmPool.POOL_LABEL;

    /** The label naming the run on the per-task sandboxes of {@link #jobs()}. */
    public static final String RUN_LABEL = SdkSandboxProvider.RUN_LABEL;

    private final EngineCore core;
    private final JobsOptions jobsOptions;
    private final SecretResolver secretResolver;
    private final ObjectMapper objectMapper;
    private final Object jobsLock = new Object();
    private JobEngine jobs;
    private JobEngine jobsClient;
    private boolean closed;

    private SandboxEngine(EngineCore core, JobsOptions jobsOptions, SecretResolver secretResolver,
                          ObjectMapper objectMapper) {
        this.core = core;
        this.jobsOptions = jobsOptions;
        this.secretResolver = secretResolver;
        this.objectMapper = objectMapper;
    }

    /** An engine with every default. */
    public static SandboxEngine create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The image sandboxes use by default: {@code sandbox-jobs/runtime:<this library's version>}. */
    public static String defaultImage() {
        return "sandbox-jobs/runtime:" + Versions.projectVersion();
    }

    /**
     * The sandbox with this id, created on first use with the engine's defaults. The same id
     * returns the same sandbox with its files, processes and sessions.
     */
    public Sandbox getSandbox(String id) {
        return core.getSandbox(id, SandboxOptions.DEFAULT);
    }

    /**
     * The sandbox with this id, created on first use with {@code options} over the engine's
     * defaults. For an existing sandbox, only its secrets are taken from {@code options}.
     */
    public Sandbox getSandbox(String id, SandboxOptions options) {
        return core.getSandbox(id, Objects.requireNonNull(options, "options"));
    }

    /** The existing sandbox with this id, or empty; never creates one. */
    public Optional<Sandbox> findSandbox(String id) {
        return core.findSandbox(id);
    }

    /** Every sandbox in the database, oldest first. */
    public List<SandboxInfo> listSandboxes() {
        return core.listSandboxes();
    }

    /** Destroys the sandbox with this id if it exists; returns whether it did. */
    public boolean destroySandbox(String id) {
        return core.destroySandbox(id);
    }

    /**
     * How many containers of the warm pools ({@link Builder#warmPool}) are started and ready now;
     * 0 without a pool. For example, to wait until the pool is warm before serving.
     */
    public int warmPoolReady() {
        return core.warmPoolReady();
    }

    /**
     * Removes now the containers labelled with this engine's id that belong to no sandbox of the
     * database; returns how many it removed. Also runs at start and periodically.
     */
    public int reapOrphans() {
        return core.reapOrphans();
    }

    /**
     * Starts the preview-URL proxy now (it otherwise starts on the first {@code exposePort});
     * returns the port it listens on.
     */
    public int startPreviewProxy() {
        return core.startPreviewProxy();
    }

    /** The engine's database, for components (the job engine) that share it. */
    public Database database() {
        return core.database();
    }

    /** The engine id stored in the database and put on every container as {@link #ENGINE_LABEL}. */
    public String engineId() {
        return core.engineId();
    }

    /**
     * The durable job engine over this engine's database and sandboxes: each run of a workflow that
     * declares a {@link dev.sandboxjobs.engine.workflow.SandboxSpec} gets its own sandbox, labelled
     * {@link #RUN_LABEL}{@code =<runId>} and destroyed when the run ends; its steps reach it with
     * {@code ctx.sandbox(Sandbox.class)}.
     *
     * <pre>{@code
     * Jobs jobs = engine.jobs();
     * jobs.register(Workflow.named("build")
     *         .sandbox(SandboxSpec.defaults())
     *         .step(Step.of("make", ctx -> {
     *             ExecResult r = ctx.sandbox(Sandbox.class).exec("make");
     *             return r.success() ? StepResult.success(r.exitCode()) : StepResult.failure(r.stderr(), null);
     *         }))
     *         .build());
     * jobs.start();                    // after registering: recovers runs left by a previous process
     * Run run = jobs.submit(RunRequest.of("build").build());
     * }</pre>
     *
     * <p>Created on the first call (the same instance afterwards) but not started: register the
     * workflows, then call {@link Jobs#start()}. The first call takes an operating-system lock on
     * the database, so one process at a time runs jobs on a database; other engines on the same
     * database keep using sandboxes as long as they do not call {@code jobs()}. Closed with this
     * engine, before the sandboxes' core and the database.
     *
     * @throws SandboxException {@link ErrorCode#DATABASE_LOCKED} if another engine runs jobs on this
     *                          database, {@link ErrorCode#CLOSED} after {@link #close()}
     */
    public Jobs jobs() {
        synchronized (jobsLock) {
            if (closed) {
                throw new SandboxException(ErrorCode.CLOSED, "The engine was closed. Build a new SandboxEngine.");
            }
            if (jobs == null) {
                jobs = new JobEngine(core.database(), core.config().clock(), objectMapper, jobsOptions,
                        new SdkSandboxProvider(core, secretResolver));
            }
            return jobs;
        }
    }

    /**
     * A client of the job engine over this engine's database, for processes that submit and
     * observe runs while another process executes them (for example {@code sandbox-jobs worker}):
     * it takes no lock and cannot {@link Jobs#start() start} (that throws {@code INVALID_ARGUMENT}).
     * Register the workflows you submit (submission validates their parameters); the engine that
     * runs the jobs must know them too. The executing engine picks up submitted runs within about
     * a second and new or changed schedules within a few seconds; {@link Jobs#cancel} of a run it
     * executes stops the run within about a second; {@link Jobs#await} polls the database.
     *
     * <pre>{@code
     * Jobs client = engine.jobsClient();
     * client.register(buildWorkflow);
     * Run run = client.submit(RunRequest.of("build").build());
     * if (engine.jobsWorkerPid().isEmpty()) System.out.println("no worker runs; it stays queued");
     * }</pre>
     *
     * <p>Created on the first call (the same instance afterwards); closed with this engine.
     */
    public Jobs jobsClient() {
        synchronized (jobsLock) {
            if (closed) {
                throw new SandboxException(ErrorCode.CLOSED, "The engine was closed. Build a new SandboxEngine.");
            }
            if (jobsClient == null) {
                jobsClient = JobEngine.client(core.database(), core.config().clock(), objectMapper, jobsOptions);
            }
            return jobsClient;
        }
    }

    /**
     * The pid of the live process that runs jobs on this engine's database (it called
     * {@link #jobs()}), if any; this process's own pid after its own {@code jobs()}. A hint read
     * from the lock file; it never takes or probes the lock.
     */
    public Optional<Long> jobsWorkerPid() {
        synchronized (jobsLock) {
            if (closed) {
                throw new SandboxException(ErrorCode.CLOSED, "The engine was closed. Build a new SandboxEngine.");
            }
            return JobEngine.lockHolderPid(core.database());
        }
    }

    /**
     * A client of the job engine on a SQLite database alone, without Docker: what
     * {@link #jobsClient()} does (submit, read runs, logs and artifacts, cancel, edit schedules),
     * for tools that only need the database, such as {@code sandbox-jobs runs list}. It opens no
     * Docker connection, so it is quick and works while Docker is down. Closing it closes the
     * database.
     *
     * <pre>{@code
     * try (Jobs client = SandboxEngine.openJobsClient(Path.of("/var/lib/app/sandbox-jobs.db"))) {
     *     client.list(RunQuery.all().inStates(RunState.FAILED)).items().forEach(System.out::println);
     * }
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#DATABASE_UNAVAILABLE} if the file cannot be opened
     */
    public static Jobs openJobsClient(Path databaseFile) {
        return JobEngine.openSqliteClient(databaseFile.toAbsolutePath().normalize(), Clock.systemUTC(),
                new ObjectMapper(), JobsOptions.defaults());
    }

    /**
     * {@link #jobsWorkerPid()} for a SQLite database file, without opening it (or Docker): the pid
     * of the live process that runs jobs on it, if any.
     */
    public static Optional<Long> jobsWorkerPid(Path databaseFile) {
        return JobEngine.lockHolderPid(databaseFile);
    }

    /** The default image of new sandboxes. */
    public String image() {
        return core.config().image();
    }

    public SandboxDefaults defaults() {
        return core.config().defaults();
    }

    /**
     * Closes the job engine (if {@link #jobs()} was used; runs in flight stay recorded as running
     * and resume in the next engine), then stops the periodic tasks, closes the sessions' shells,
     * the Docker client and the database (if the engine opened it). Sandboxes keep running. Safe
     * twice.
     */
    @Override
    public void close() {
        JobEngine j;
        JobEngine c;
        synchronized (jobsLock) {
            closed = true;
            j = jobs;
            jobs = null;
            c = jobsClient;
            jobsClient = null;
        }
        try {
            if (j != null) {
                j.close();
            }
        } finally {
            try {
                if (c != null) {
                    c.close();
                }
            } finally {
                core.close();
            }
        }
    }

    /** Builds a {@link SandboxEngine}; every setting is optional. */
    /** The environment variable that moves the default data directory. */
    public static final String DATA_DIR_ENV = "SANDBOX_JOBS_DATA_DIR";

    /**
     * The data directory used when none is given: {@code SANDBOX_JOBS_DATA_DIR} when set, else
     * {@code ~/.sandbox-jobs}. The library, the command line and setup all use this rule, so they
     * share one database by default.
     */
    public static Path defaultDataDirectory(Map<String, String> environment) {
        String fromEnv = environment.get(DATA_DIR_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".sandbox-jobs");
    }

    public static final class Builder {
        private Path dataDirectory;
        private Path databaseFile;
        private Database database;
        private String dockerHost;
        private String image;
        private SandboxDefaults defaults = SandboxDefaults.standard();
        private Clock clock = Clock.systemUTC();
        private Duration maintenanceInterval = Duration.ofMinutes(1);
        private PreviewOptions preview;
        private Set<CodeLanguage> prewarm = EnumSet.noneOf(CodeLanguage.class);
        private final Map<SandboxOptions, Integer> warmPools = new java.util.LinkedHashMap<>();
        private JobsOptions jobsOptions = JobsOptions.defaults();
        private SecretResolver secretResolver = SecretResolver.fromEnvironment();
        private ObjectMapper objectMapper;

        private Builder() {}

        /** Settings of {@link SandboxEngine#jobs()}: concurrency limits, retention, threads (default {@link JobsOptions#defaults()}). */
        public Builder jobsOptions(JobsOptions value) { jobsOptions = Objects.requireNonNull(value); return this; }

        /**
         * How {@link SandboxEngine#jobs()} turns a sandbox spec's secret names into values (default:
         * the engine process's environment variables of the same names).
         */
        public Builder secretResolver(SecretResolver value) { secretResolver = Objects.requireNonNull(value); return this; }

        /** The Jackson mapper for jobs' parameters and results (default a plain {@code ObjectMapper}). */
        public Builder objectMapper(ObjectMapper value) { objectMapper = Objects.requireNonNull(value); return this; }

        /** Where the engine keeps its database (default {@link SandboxEngine#defaultDataDirectory}). */
        public Builder dataDirectory(Path value) { dataDirectory = value; return this; }

        /** The SQLite database file (default {@code sandbox-jobs.db} in the data directory). */
        public Builder databaseFile(Path value) { databaseFile = value; return this; }

        /** An already open database to share; the engine does not close it. */
        public Builder database(Database value) { database = value; return this; }

        /** The Docker engine ({@code unix:///...} or {@code tcp://...}); default {@code DOCKER_HOST}, else the local socket. */
        public Builder dockerHost(String value) { dockerHost = value; return this; }

        /** The default image of new sandboxes. */
        public Builder image(String value) { image = value; return this; }

        public Builder defaults(SandboxDefaults value) { defaults = Objects.requireNonNull(value); return this; }

        public Builder clock(Clock value) { clock = Objects.requireNonNull(value); return this; }

        /** How often orphans are reaped and idle or expired sandboxes handled (default one minute). */
        public Builder maintenanceInterval(Duration value) { maintenanceInterval = Objects.requireNonNull(value); return this; }

        /**
         * Where the preview-URL proxy listens; with this option it starts with the engine (without
         * it, it starts on the first {@code exposePort}, on a free loopback port).
         *
         * <pre>{@code
         * SandboxEngine.builder().preview(new PreviewOptions("127.0.0.1", 8123, null)).build();
         * }</pre>
         */
        public Builder preview(PreviewOptions value) { preview = Objects.requireNonNull(value); return this; }

        /**
         * The languages whose code-interpreter executor is started in the background as soon as a
         * sandbox's container starts, for every sandbox without its own
         * {@link SandboxOptions.Builder#prewarmInterpreters} choice, so that the first
         * {@code runCode} does not wait for Python or Node. Default: none, since pre-warming costs
         * CPU on every container start (the sandboxes of job runs never pre-warm):
         * interpreters then start on first use, and a language used once keeps one executor ready
         * for the next context.
         *
         * <pre>{@code
         * SandboxEngine.builder().prewarmInterpreters(CodeLanguage.PYTHON).build();
         * }</pre>
         */
        public Builder prewarmInterpreters(CodeLanguage... languages) {
            prewarm = languages.length == 0 ? EnumSet.noneOf(CodeLanguage.class) : EnumSet.copyOf(Arrays.asList(languages));
            return this;
        }

        /**
         * Keeps {@code size} started containers ready for new sandboxes created with the engine's
         * defaults (see {@link #warmPool(int, SandboxOptions)}). Default: no pool.
         *
         * <pre>{@code
         * SandboxEngine engine = SandboxEngine.builder().warmPool(2).build();
         * Sandbox sandbox = engine.getSandbox("fast");   // a pooled container: no Docker create, start or exec
         * }</pre>
         */
        public Builder warmPool(int size) {
            return warmPool(size, SandboxOptions.DEFAULT);
        }

        /**
         * Keeps {@code size} started containers ready for new sandboxes whose container settings
         * (image, memory, CPUs, process limit, network, volumes) match {@code like} resolved over the
         * engine's defaults; env, secrets, labels, sleep and lifetime may differ. A new sandbox that
         * matches takes one (its default session's shell is already running, so its first command
         * answers in a millisecond or two); the pool refills in the background. A pooled container
         * serves one sandbox and is removed with it, like a fresh one. When the pool is empty (used
         * faster than it refills) sandboxes are created cold. The containers waiting in the pool are
         * removed when the engine closes; after a crash the next engine's orphan reaper removes them.
         * Call it again with other options for another pool.
         *
         * <pre>{@code
         * // job runs' sandboxes have no network unless their spec asks: pool that kind
         * SandboxEngine.builder().warmPool(4, SandboxOptions.builder().network(NetworkMode.NONE).build()).build();
         * }</pre>
         *
         * @throws SandboxException INVALID_ARGUMENT when {@code size} is negative or above 64
         */
        public Builder warmPool(int size, SandboxOptions like) {
            Objects.requireNonNull(like, "like");
            if (size < 0 || size > 64) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A warm pool holds 0 to 64 containers, not "
                        + size + ".");
            }
            if (size == 0) {
                warmPools.remove(like);
            } else {
                warmPools.put(like, size);
            }
            return this;
        }

        /**
         * Connects to Docker, opens the database and starts the periodic tasks.
         *
         * @throws SandboxException {@link ErrorCode#DOCKER_UNAVAILABLE} naming the host it tried
         */
        public SandboxEngine build() {
            Path dir = dataDirectory != null ? dataDirectory : defaultDataDirectory(System.getenv());
            Path dbFile = databaseFile != null ? databaseFile : dir.resolve(DATABASE_FILE_NAME);
            EngineConfig config = new EngineConfig(dbFile, database, dockerHost,
                    image != null ? image : defaultImage(), defaults, clock, maintenanceInterval,
                    preview != null ? preview : PreviewOptions.defaults(), preview != null, Set.copyOf(prewarm),
                    warmPools);
            return new SandboxEngine(EngineCore.start(config), jobsOptions, secretResolver,
                    objectMapper != null ? objectMapper : new ObjectMapper());
        }
    }
}
