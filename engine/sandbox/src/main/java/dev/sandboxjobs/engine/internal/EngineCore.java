package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.FunctionResult;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.RemoteFunction;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.internal.backup.BackupStore;
import dev.sandboxjobs.engine.egress.internal.EgressService;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecSockets;
import dev.sandboxjobs.engine.internal.docker.TarExtraction;
import dev.sandboxjobs.engine.internal.sandbox.EnginePreviews;
import dev.sandboxjobs.engine.internal.sandbox.SandboxEvents;
import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import dev.sandboxjobs.engine.internal.sandbox.SandboxServices;
import dev.sandboxjobs.engine.internal.sandbox.WarmPool;
import dev.sandboxjobs.engine.internal.tasks.ExpiryTask;
import dev.sandboxjobs.engine.internal.tasks.IdleSleepTask;
import dev.sandboxjobs.engine.internal.tasks.MaxLifetimeTask;
import dev.sandboxjobs.engine.internal.tasks.OrphanReaperTask;
import dev.sandboxjobs.engine.task.TaskScheduler;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.StorageException;
import dev.sandboxjobs.storage.sandbox.PreviewPortRepository;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine behind {@link dev.sandboxjobs.engine.SandboxEngine}: wiring, lifecycle and periodic tasks. */
public final class EngineCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCore.class);
    private final EngineConfig config;
    private final Database database;
    private final boolean ownsDatabase;
    private final Containers containers;
    private final String engineId;
    private final SandboxRegistry registry;
    private final EnginePreviews previews;
    private final WarmPool pool;
    private final BackupStore backups;
    private final EgressService egress;
    private final TaskScheduler maintenance;
    private final ExecutorService executor;
    private final SandboxEvents events = new SandboxEvents();
    private final Object lifecycle = new Object();
    private volatile int orphansReapedAtStart;
    private volatile boolean closed;

    private EngineCore(EngineConfig config, Database database, boolean ownsDatabase, Containers containers) {
        ExecSockets execSockets = containers.sockets();
        this.config = config;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.containers = containers;
        this.engineId = database.engineId();
        this.maintenance = new TaskScheduler("sandbox-jobs-maintenance", 1);
        this.executor = Executors.newCachedThreadPool(daemon("sandbox-jobs-exec"));
        this.previews = new EnginePreviews(config.preview(), new PreviewPortRepository(database), containers, execSockets);
        this.backups = Stores.backups(config);
        this.egress = new EgressService(containers.client(), engineId, config.egress(), config.clock());
        containers.useEgress(egress);
        this.pool = config.warmPools().isEmpty() ? null
                : new WarmPool(containers, engineId, config.image(), config.defaults(), config.warmPools());
        try {
            this.registry = new SandboxRegistry(containers, new SandboxRepository(database), config.clock(),
                    engineId, config.image(), config.defaults(), executor,
                    new SandboxServices(previews, config.prewarmInterpreters(), pool, executor, backups, egress,
                            events, TarExtraction.over(containers.client(), execSockets)));
            this.previews.attach(registry);
            this.egress.attach(registry);
        } catch (RuntimeException e) {
            // the pool may already be starting containers: they must not outlive a failed start
            if (pool != null) {
                pool.close();
            }
            egress.close();
            maintenance.close();
            executor.shutdownNow();
            throw e;
        }
    }

    public static EngineCore start(EngineConfig config) {
        String host = DockerClients.resolveHost(config.dockerHost(), System.getenv("DOCKER_HOST"));
        java.nio.file.Path tls = DockerClients.resolveTlsCertDir(config.dockerTlsCertDir(), host, System.getenv());
        DockerClients.Connected connected;
        try {
            connected = DockerClients.connect(host, tls);
            connected.client().pingCmd().exec();
        } catch (RuntimeException e) {
            throw DockerErrors.unavailable(host, e);
        }
        ExecSockets execSockets = ExecSockets.forHost(host, connected.apiVersion(), tls);
        Containers containers = new Containers(connected.client(), host, connected.apiVersion(), execSockets);
        Database db = config.database();
        boolean owns = db == null;
        try {
            if (owns) {
                db = Database.open(config.databaseLocation());
            }
        } catch (RuntimeException e) {
            containers.close();
            throw databaseError(String.valueOf(config.databaseLocation()), e);
        }
        EngineCore core;
        try {
            core = new EngineCore(config, db, owns, containers);
        } catch (RuntimeException e) {
            containers.close();
            if (owns) {
                db.close();
            }
            throw databaseError(db.location(), e);
        }
        try {
            core.orphansReapedAtStart = core.registry.reapOrphans();
        } catch (RuntimeException e) {
            LOG.warn("Reaping orphan containers at start failed; the periodic reaper tries again: {}", e.getMessage());
        }
        try {
            core.egress.resumeForRunning();
        } catch (RuntimeException e) {
            LOG.warn("Cannot serve the egress proxy of running sandboxes yet (it starts with the next proxied sandbox): {}",
                    e.getMessage());
        }
        try {
            core.previews.restore();
            if (config.startPreviewProxy()) {
                core.previews.startProxy();
            }
        } catch (RuntimeException e) {
            core.close();
            throw e;
        }
        Duration every = Duration.ofMillis(Math.max(50, config.maintenanceInterval().toMillis()));
        core.maintenance.every(every, new OrphanReaperTask(core.registry));
        core.maintenance.every(every, new IdleSleepTask(core.registry));
        core.maintenance.every(every, new MaxLifetimeTask(core.registry));
        core.maintenance.every(every, new ExpiryTask(core.expiry()));
        return core;
    }

    /** A storage failure while opening the database as a typed error: locked by another process, or unusable. */
    static RuntimeException databaseError(String file, RuntimeException e) {
        if (e instanceof SandboxException) {
            return e;
        }
        if (StorageException.isBusy(e)) {
            return new SandboxException(ErrorCode.DATABASE_LOCKED, "The database " + file + " stayed locked by another"
                    + " process for " + Database.BUSY_TIMEOUT_MILLIS / 1000 + " s (SQLITE_BUSY). Close the program"
                    + " holding it (an sqlite3 shell, a backup tool, another engine) or give this engine its own"
                    + " database file.", e);
        }
        if (StorageException.isStorageFailure(e)) {
            return new SandboxException(ErrorCode.DATABASE_UNAVAILABLE, "Cannot open the database " + file + ": "
                    + DockerErrors.rootMessage(e) + ". Check the data directory (permissions, free space).", e);
        }
        return e;
    }

    public EngineConfig config() {
        return config;
    }

    public Sandbox getSandbox(String id, SandboxOptions options) {
        checkOpen();
        return registry.get(id, options);
    }

    /** Runs {@code function} in a fresh sandbox, labelled with its name, destroyed afterwards. */
    public FunctionResult callFunction(SandboxOptions options, RemoteFunction function, Object... args) {
        String id = "function-" + function.name() + "-" + UUID.randomUUID();
        Sandbox sandbox = getSandbox(id, options.toBuilder().label(Labels.FUNCTION, function.name()).build());
        FunctionResult result;
        try {
            result = sandbox.callFunction(function, args);
        } catch (RuntimeException | Error e) {
            // the function's own failure is what the caller needs: a failed clean-up must not replace it
            try {
                sandbox.destroy();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        sandbox.destroy();
        return result;
    }

    public Optional<Sandbox> findSandbox(String id) {
        checkOpen();
        return registry.find(id);
    }

    public List<SandboxInfo> listSandboxes() {
        checkOpen();
        return registry.list();
    }

    public boolean destroySandbox(String id) {
        checkOpen();
        return registry.destroy(id);
    }

    /** Whether the sandbox exists and its container is still on Docker (running or stopped, with its files). */
    public boolean containerExists(String id) {
        checkOpen();
        return registry.containerExists(id);
    }

    public int reapOrphans() {
        checkOpen();
        return registry.reapOrphans();
    }

    /** How many orphans the reap at start removed, before any listener could be added. */
    public int orphansReapedAtStart() {
        return orphansReapedAtStart;
    }

    /** The engine's sandbox listeners. */
    public SandboxEvents events() {
        return events;
    }

    /** Starts the preview proxy if it is not running; returns its port. */
    public int startPreviewProxy() {
        checkOpen();
        return previews.startProxy();
    }

    public Database database() {
        return database;
    }

    /** How many warm-pool containers are ready now (0 without a pool). */
    public int warmPoolReady() {
        return pool == null ? 0 : pool.readyCount();
    }

    public String engineId() {
        return engineId;
    }

    /** This engine's snapshots. */
    public SnapshotStore snapshots() {
        checkOpen();
        return new SnapshotStore(containers, engineId);
    }

    /** Where directory backups are kept. */
    public BackupStore backups() {
        checkOpen();
        return backups;
    }

    /** Deletes expired backups and snapshots; the maintenance task runs it periodically. */
    public Expiry expiry() {
        return new Expiry(backups, containers, engineId, config.clock());
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<RuntimeException> failures = new ArrayList<>();
        run(failures, maintenance::close);
        if (pool != null) {
            run(failures, pool::close);
        }
        run(failures, previews::close);
        run(failures, registry::close);
        run(failures, egress::close);
        run(failures, executor::shutdownNow);
        run(failures, containers::close);
        if (ownsDatabase) {
            run(failures, database::close);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void run(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new SandboxException(ErrorCode.CLOSED, "The engine was closed. Build a new SandboxEngine.");
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
