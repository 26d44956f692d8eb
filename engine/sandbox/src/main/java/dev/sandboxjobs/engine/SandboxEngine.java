package dev.sandboxjobs.engine;

import dev.sandboxjobs.engine.internal.EgressConfig;
import dev.sandboxjobs.engine.internal.EngineConfig;
import dev.sandboxjobs.engine.internal.EngineCore;
import dev.sandboxjobs.engine.internal.EngineStorage;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.storage.DataDirectory;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.StorageException;
import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 *
 * <p>Durable jobs over these sandboxes are the job engine's ({@code sandbox-jobs-workflow}):
 * {@code JobEngine.over(engine)} builds one on this engine's database.
 */
public final class SandboxEngine implements AutoCloseable {
    /** The file name of the database inside the data directory. */
    public static final String DATABASE_FILE_NAME = DataDirectory.DATABASE_FILE_NAME;

    private final EngineCore core;

    private SandboxEngine(EngineCore core) {
        this.core = core;
    }

    /** An engine with every default. */
    public static SandboxEngine create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The image sandboxes use by default: {@code sandbox-jobs/runtime:<this library's version>}
     * ({@link RuntimeImage#defaultReference()}, which {@code ./sandbox-jobs setup} builds).
     */
    public static String defaultImage() {
        return RuntimeImage.defaultReference();
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
     * Whether the sandbox with this id exists and its container is still on Docker, running or
     * stopped with its files (a sandbox whose container was removed from outside is not alive).
     * The job engine resumes a run in its sandbox after a restart when it is.
     */
    public boolean isAlive(String id) {
        return core.containerExists(id);
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
     * How many orphan containers the reap at start removed: it runs inside {@link Builder#build()},
     * before a {@link SandboxListener} can be added (metrics count them from here).
     */
    public int orphansReapedAtStart() {
        return core.orphansReapedAtStart();
    }

    /**
     * Adds a listener of this engine's sandbox events: created, destroyed, command finished, orphan
     * reaped. Its exceptions are logged and ignored. See {@link SandboxListener}.
     */
    public void addListener(SandboxListener listener) {
        core.events().add(listener);
    }

    /** Removes a listener added with {@link #addListener}; returns whether it was there. */
    public boolean removeListener(SandboxListener listener) {
        return core.events().remove(listener);
    }

    /**
     * Starts the preview-URL proxy now (it otherwise starts on the first {@code exposePort});
     * returns the port it listens on.
     */
    public int startPreviewProxy() {
        return core.startPreviewProxy();
    }

    // ----- remote functions

    /**
     * Runs a function in a fresh sandbox made with the engine's defaults (their environment
     * variables under the function's) and destroyed afterwards, as the CoreWeave seed's
     * {@code @session.function(...)} and {@code .remote(...)}; see {@link SandboxOperations#callFunction}.
     *
     * <pre>{@code
     * SandboxEngine engine = SandboxEngine.builder()
     *         .defaults(SandboxDefaults.builder().env("PROJECT_ID", "my-project").build()).build();
     * FunctionResult r = engine.callFunction(process.withEnv("MODEL_VERSION", "v2.0"), 42);
     * }</pre>
     */
    public FunctionResult callFunction(RemoteFunction function, Object... args) {
        return callFunction(SandboxOptions.DEFAULT, function, args);
    }

    /** {@link #callFunction(RemoteFunction, Object...)} in a fresh sandbox made with {@code options}. */
    public FunctionResult callFunction(SandboxOptions options, RemoteFunction function, Object... args) {
        return core.callFunction(Objects.requireNonNull(options, "options"), Objects.requireNonNull(function, "function"), args);
    }

    // ----- backups and snapshots (see README, "Backups and snapshots")

    /** The stored directory backups, expired ones not yet deleted included, oldest first. */
    public List<DirectoryBackup> listBackups() {
        return core.backups().list();
    }

    /** The backup with this id, if stored. */
    public Optional<DirectoryBackup> findBackup(String id) {
        return core.backups().find(id);
    }

    /** Deletes a backup now; returns whether it existed. */
    public boolean deleteBackup(String id) {
        return core.backups().delete(id);
    }

    /**
     * Deletes the backups and snapshots whose ttl passed; returns how many. Also runs at every
     * maintenance interval.
     */
    public int expireBackupsAndSnapshots() {
        return core.expiry().run();
    }

    /** This engine's snapshots (Docker images labelled with its id), oldest first. */
    public List<SandboxSnapshot> listSnapshots() {
        return core.snapshots().list();
    }

    /** The snapshot with this id, if it exists. */
    public Optional<SandboxSnapshot> findSnapshot(String id) {
        return core.snapshots().find(id);
    }

    /**
     * Deletes a snapshot now (new sandboxes can no longer start from it; those started from it keep
     * working); returns whether it existed.
     */
    public boolean deleteSnapshot(String id) {
        return core.snapshots().delete(id);
    }

    /** The engine's database, for components that share it (the job engine of {@code JobEngine.over(engine)}). */
    public Database database() {
        return core.database();
    }

    /**
     * Where the engine's database is, for logs and messages: the SQLite file's path, or the
     * PostgreSQL URL with any password masked ({@code password=***}).
     */
    public String databaseLocation() {
        return core.database().location();
    }

    /** The engine id stored in the database and put on every container as {@link Labels#ENGINE}. */
    public String engineId() {
        return core.engineId();
    }

    /** The default image of new sandboxes. */
    public String image() {
        return core.config().image();
    }

    public SandboxDefaults defaults() {
        return core.config().defaults();
    }

    /** The clock the engine was built with (sandboxes' activity, sleep and lifetime). */
    public Clock clock() {
        return core.config().clock();
    }

    /**
     * Stops the periodic tasks, closes the sessions' shells, the Docker client and the database (if
     * the engine opened it). Sandboxes keep running. Close a job engine built over this engine
     * first. Safe twice.
     */
    @Override
    public void close() {
        core.close();
    }

    /** The environment variable that moves the default data directory ({@link DataDirectory#ENV}). */
    public static final String DATA_DIR_ENV = DataDirectory.ENV;

    /**
     * The data directory used when none is given: {@code SANDBOX_JOBS_DATA_DIR} when set, else
     * {@code ~/.sandbox-jobs} ({@link DataDirectory#defaultFor}). The library, the command line and
     * setup all use this rule, so they share one database by default.
     */
    public static Path defaultDataDirectory(Map<String, String> environment) {
        return DataDirectory.defaultFor(environment);
    }

    /** Builds a {@link SandboxEngine}; every setting is optional. */
    public static final class Builder {
        private Path dataDirectory;
        private Path databaseFile;
        private Database database;
        private DatabaseLocation databaseLocation;
        private DataSource dataSource;
        private String dockerHost;
        private Path dockerTlsCertDir;
        private String image;
        private SandboxDefaults defaults = SandboxDefaults.standard();
        private Clock clock = Clock.systemUTC();
        private Duration maintenanceInterval = Duration.ofMinutes(1);
        private PreviewOptions preview;
        private PreviewOptions.Upstream previewUpstream;
        private Set<CodeLanguage> prewarm = EnumSet.noneOf(CodeLanguage.class);
        private final Map<SandboxOptions, Integer> warmPools = new LinkedHashMap<>();
        private BackupStorage backupStorage;
        private String egressUpstreamProxy;
        private boolean egressUpstreamSet;
        private final List<Path> egressTrust = new ArrayList<>();

        private Builder() {}

        /**
         * Where directory backups ({@link SandboxOperations#createBackup}) are kept: default the
         * {@code backups} folder of the data directory. Engines that share backups share this.
         */
        public Builder backupStorage(BackupStorage value) { backupStorage = Objects.requireNonNull(value); return this; }

        /**
         * The HTTP proxy this machine must use to reach the internet ({@code http://host:port}),
         * to which the egress proxy chains; null for none. Default: {@code HTTPS_PROXY} (else
         * {@code HTTP_PROXY}, either case) with {@code NO_PROXY}, from the engine process's
         * environment. A transparent proxy needs nothing here.
         */
        public Builder egressUpstreamProxy(String uri) {
            egressUpstreamProxy = uri;
            egressUpstreamSet = true;
            return this;
        }

        /**
         * PEM certificates (files, bundles allowed) the egress proxy trusts, beyond the JVM's, when
         * it reads HTTPS to inject headers: the CA of a private registry, say.
         */
        public Builder egressTrust(Path... pemFiles) {
            egressTrust.addAll(Arrays.asList(pemFiles));
            return this;
        }

        /** Where the engine keeps its database (default {@link SandboxEngine#defaultDataDirectory}). */
        public Builder dataDirectory(Path value) { dataDirectory = value; return this; }

        /** The SQLite database file (default {@code sandbox-jobs.db} in the data directory). */
        public Builder databaseFile(Path value) { databaseFile = value; return this; }

        /** An already open database to share; the engine does not close it. */
        public Builder database(Database value) { database = value; return this; }

        /**
         * The database, as one setting: a SQLite file path or a PostgreSQL URL such as
         * {@code jdbc:postgresql://db:5432/jobs?user=jobs&password=…} (see {@link DatabaseLocation});
         * over {@link #databaseFile} and {@link #dataDirectory}. The password is kept in memory only.
         *
         * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} if it is neither
         */
        public Builder databaseUrl(String fileOrUrl) {
            try {
                databaseLocation = DatabaseLocation.parse(fileOrUrl);
            } catch (StorageException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
            }
            return this;
        }

        /** The database, already parsed (see {@link #databaseUrl}). */
        public Builder databaseLocation(DatabaseLocation value) { databaseLocation = value; return this; }

        /** The database through the application's own pool (SQLite or PostgreSQL); the engine does not close it. */
        public Builder dataSource(DataSource value) { dataSource = value; return this; }

        /** The Docker engine ({@code unix:///...} or {@code tcp://...}); default {@code DOCKER_HOST}, else the local socket. */
        public Builder dockerHost(String value) { dockerHost = value; return this; }

        /**
         * TLS for a remote {@code tcp://} Docker host: a directory with the client's {@code ca.pem},
         * {@code cert.pem} and {@code key.pem} (default: {@code DOCKER_CERT_PATH} when
         * {@code DOCKER_TLS_VERIFY} is set, as for the docker CLI). For {@code ssh://} hosts, which
         * docker-java cannot reach, forward the remote socket ({@code ssh -NL /tmp/d.sock:/var/run/docker.sock
         * host}) and use {@code unix:///tmp/d.sock}.
         */
        public Builder dockerTls(Path certDir) { dockerTlsCertDir = certDir; return this; }

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
         * How the preview proxy reaches the services in sandboxes (over the upstream given in
         * {@link #preview}): {@link PreviewOptions.Upstream#AUTO} by default, which connects to the
         * container's IP when Docker is local and its IPs answer, and tunnels through Docker's
         * exec API otherwise (remote Docker, Docker Desktop).
         *
         * <pre>{@code
         * SandboxEngine.builder().previewUpstream(PreviewOptions.Upstream.DOCKER_EXEC).build();
         * }</pre>
         */
        public Builder previewUpstream(PreviewOptions.Upstream value) { previewUpstream = Objects.requireNonNull(value); return this; }

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
         * answers in a millisecond or two); the pool refills in the background, several containers
         * side by side. A pooled container serves one sandbox and is removed with it, like a fresh
         * one. When none is ready, a new sandbox takes a container the pool is starting, and is
         * created cold only when none is left to wait for. The containers waiting in the pool are
         * removed when the engine closes; after a crash the next engine's orphan reaper removes them.
         * Call it again with other options for another pool.
         *
         * <pre>{@code
         * // job runs' sandboxes have no network unless their spec asks: pool that kind
         * // (with the job engine: warmPool(4, SandboxSpec.defaults().options()))
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

        private PreviewOptions previewOptions() {
            PreviewOptions options = preview != null ? preview : PreviewOptions.defaults();
            return previewUpstream != null ? options.withUpstream(previewUpstream) : options;
        }

        /**
         * Connects to Docker, opens the database and starts the periodic tasks.
         *
         * @throws SandboxException {@link ErrorCode#DOCKER_UNAVAILABLE} naming the host it tried
         */
        public SandboxEngine build() {
            EngineStorage storage = EngineStorage.resolve(dataDirectory, databaseFile, databaseLocation, database, dataSource);
            String imageName = image != null ? image : defaultImage();
            EngineConfig config = new EngineConfig(storage.location(), storage.shared(), dockerHost, dockerTlsCertDir,
                    imageName, defaults, clock, maintenanceInterval,
                    previewOptions(), preview != null, Set.copyOf(prewarm),
                    warmPools, backupStorage != null ? backupStorage : BackupStorage.local(storage.files().resolve("backups")),
                    EgressConfig.settings(storage.files().resolve("egress"), egressUpstreamSet, egressUpstreamProxy,
                            System.getenv(), egressTrust, imageName));
            return new SandboxEngine(EngineCore.start(config));
        }
    }
}
