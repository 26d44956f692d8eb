package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.sandbox.EnginePreviews;
import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import dev.sandboxjobs.engine.internal.sandbox.SandboxServices;
import dev.sandboxjobs.engine.internal.sandbox.WarmPool;
import dev.sandboxjobs.storage.sandbox.PreviewPortRepository;
import dev.sandboxjobs.engine.internal.tasks.IdleSleepTask;
import dev.sandboxjobs.engine.internal.tasks.MaxLifetimeTask;
import dev.sandboxjobs.engine.internal.tasks.OrphanReaperTask;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine behind {@link dev.sandboxjobs.engine.SandboxEngine}: wiring, lifecycle and periodic tasks. */
public final class EngineCore implements AutoCloseable {
    private final EngineConfig config;
    private final Database database;
    private final boolean ownsDatabase;
    private final Containers containers;
    private final String engineId;
    private final SandboxRegistry registry;
    private final EnginePreviews previews;
    private final WarmPool pool;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService executor;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    private EngineCore(EngineConfig config, Database database, boolean ownsDatabase, Containers containers) {
        this.config = config;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.containers = containers;
        this.engineId = engineId(database);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("sandbox-jobs-maintenance"));
        this.executor = Executors.newCachedThreadPool(daemon("sandbox-jobs-exec"));
        this.previews = new EnginePreviews(config.preview(), new PreviewPortRepository(database.jdbi()));
        this.pool = config.warmPools().isEmpty() ? null
                : new WarmPool(containers, engineId, config.image(), config.defaults(), config.warmPools());
        try {
            this.registry = new SandboxRegistry(containers, new SandboxRepository(database.jdbi()), config.clock(),
                    engineId, config.image(), config.defaults(), executor,
                    new SandboxServices(previews, config.prewarmInterpreters(), pool, executor));
            this.previews.attach(registry);
        } catch (RuntimeException e) {
            // the pool may already be starting containers: they must not outlive a failed start
            if (pool != null) {
                pool.close();
            }
            scheduler.shutdownNow();
            executor.shutdownNow();
            throw e;
        }
    }

    public static EngineCore start(EngineConfig config) {
        String host = DockerClients.resolveHost(config.dockerHost(), System.getenv("DOCKER_HOST"));
        DockerClients.Connected connected;
        try {
            connected = DockerClients.connect(host);
            connected.client().pingCmd().exec();
        } catch (RuntimeException e) {
            throw DockerErrors.unavailable(host, e);
        }
        Containers containers = new Containers(connected.client(), host);
        Database db = config.database();
        boolean owns = db == null;
        try {
            if (owns) {
                db = Database.openSqlite(config.databaseFile());
            }
        } catch (RuntimeException e) {
            containers.close();
            throw databaseError(String.valueOf(config.databaseFile()), e);
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
        new OrphanReaperTask(core.registry).run();
        try {
            core.previews.restore();
            if (config.startPreviewProxy()) {
                core.previews.startProxy();
            }
        } catch (RuntimeException e) {
            core.close();
            throw e;
        }
        long every = Math.max(50, config.maintenanceInterval().toMillis());
        core.scheduler.scheduleWithFixedDelay(new OrphanReaperTask(core.registry), every, every, TimeUnit.MILLISECONDS);
        core.scheduler.scheduleWithFixedDelay(new IdleSleepTask(core.registry), every, every, TimeUnit.MILLISECONDS);
        core.scheduler.scheduleWithFixedDelay(new MaxLifetimeTask(core.registry), every, every, TimeUnit.MILLISECONDS);
        return core;
    }

    /** A storage failure while opening the database as a typed error: locked by another process, or unusable. */
    static RuntimeException databaseError(String file, RuntimeException e) {
        if (e instanceof SandboxException) {
            return e;
        }
        if (dev.sandboxjobs.storage.run.WriteGate.isBusy(e)) {
            return new SandboxException(ErrorCode.DATABASE_LOCKED, "The database " + file + " stayed locked by another"
                    + " process for " + Database.BUSY_TIMEOUT_MILLIS / 1000 + " s (SQLITE_BUSY). Close the program"
                    + " holding it (an sqlite3 shell, a backup tool, another engine) or give this engine its own"
                    + " database file.", e);
        }
        if (e instanceof dev.sandboxjobs.storage.StorageException || e instanceof org.jdbi.v3.core.JdbiException) {
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

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<RuntimeException> failures = new ArrayList<>();
        run(failures, scheduler::shutdownNow);
        if (pool != null) {
            run(failures, pool::close);
        }
        run(failures, previews::close);
        run(failures, registry::close);
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

    /** The id stored in this database's engine_info, created on first use. */
    private static String engineId(Database db) {
        String candidate = UUID.randomUUID().toString();
        return db.jdbi().inTransaction(h -> {
            h.createUpdate("insert into engine_info (name, value) values ('engine_id', :v) on conflict (name) do nothing")
                    .bind("v", candidate).execute();
            return h.createQuery("select value from engine_info where name = 'engine_id'").mapTo(String.class).one();
        });
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
