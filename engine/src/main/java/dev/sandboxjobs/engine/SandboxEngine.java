package dev.sandboxjobs.engine;

import dev.sandboxjobs.engine.internal.EngineConfig;
import dev.sandboxjobs.engine.internal.EngineCore;
import dev.sandboxjobs.engine.internal.Versions;
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

    /** The default image of new sandboxes. */
    public String image() {
        return core.config().image();
    }

    public SandboxDefaults defaults() {
        return core.config().defaults();
    }

    /**
     * Stops the periodic tasks, closes the sessions' shells, the Docker client and the database
     * (if the engine opened it). Sandboxes keep running. Safe twice.
     */
    @Override
    public void close() {
        core.close();
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
        private Set<CodeLanguage> prewarm = EnumSet.allOf(CodeLanguage.class);

        private Builder() {}

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
         * sandbox's container starts, so that the first {@code runCode} does not wait for Python or
         * Node (default: all). None: interpreters start on first use.
         */
        public Builder prewarmInterpreters(CodeLanguage... languages) {
            prewarm = languages.length == 0 ? EnumSet.noneOf(CodeLanguage.class) : EnumSet.copyOf(Arrays.asList(languages));
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
                    preview != null ? preview : PreviewOptions.defaults(), preview != null, Set.copyOf(prewarm));
            return new SandboxEngine(EngineCore.start(config));
        }
    }
}
