package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.model.Container;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.SandboxStatus;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.internal.EgressService;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.storage.sandbox.SandboxRecord;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sandboxes of one engine: loads them from the database, creates, destroys, sleeps and reaps. */
public final class SandboxRegistry implements EgressService.Owners {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxRegistry.class);

    private final Containers containers;
    private final SandboxRepository repo;
    private final Clock clock;
    private final String engineId;
    private final String image;
    private final SandboxDefaults defaults;
    private final ExecutorService executor;
    private final Map<String, SandboxRuntime> live = new ConcurrentHashMap<>();
    private final SandboxServices services;

    public SandboxRegistry(Containers containers, SandboxRepository repo, Clock clock, String engineId, String image,
                           SandboxDefaults defaults, ExecutorService executor, SandboxServices services) {
        this.services = services;
        this.containers = containers;
        this.repo = repo;
        this.clock = clock;
        this.engineId = engineId;
        this.image = image;
        this.defaults = defaults;
        this.executor = executor;
    }

    public Sandbox get(String id, SandboxOptions options) {
        validateId(id);
        boolean[] created = {false};
        SandboxRuntime runtime = live.compute(id, (k, existing) -> {
            if (existing != null && !existing.isDestroyed()) {
                existing.updateSecrets(options.secrets());
                return existing;
            }
            return loadOrCreate(id, options, created);
        });
        if (created[0]) {
            // outside compute: a listener may call the engine back
            services.events().created(runtime);
        }
        SandboxEgress.adopt(runtime, defaults, options);
        return new RealSandbox(runtime, executor, this::forget);
    }

    /** The runtime of a sandbox known to the database (loaded if needed), never creating one. */
    Optional<SandboxRuntime> known(String id) {
        SandboxRuntime runtime = live.get(id);
        if (runtime != null && !runtime.isDestroyed()) {
            return Optional.of(runtime);
        }
        if (repo.find(id).isEmpty()) {
            return Optional.empty();
        }
        try {
            boolean[] created = {false};
            SandboxRuntime loaded = live.compute(id, (k, existing) -> existing != null && !existing.isDestroyed()
                    ? existing : loadOrCreate(id, SandboxOptions.DEFAULT, created));
            if (created[0]) {
                services.events().created(loaded);
            }
            return Optional.of(loaded);
        } catch (RuntimeException e) {
            LOG.debug("Could not load sandbox {}", id, e);
            return Optional.empty();
        }
    }

    public Optional<Sandbox> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        SandboxRuntime runtime = live.get(id);
        if (runtime != null && !runtime.isDestroyed()) {
            return Optional.of(new RealSandbox(runtime, executor, this::forget));
        }
        Optional<SandboxRecord> rec = repo.find(id);
        if (rec.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(get(id, SandboxOptions.DEFAULT));
    }

    public List<SandboxInfo> list() {
        return repo.list().stream().map(r -> {
            SandboxRuntime rt = live.get(r.id());
            if (rt != null && !rt.isDestroyed()) {
                return rt.info();
            }
            return new SandboxInfo(r.id(), SandboxStatus.valueOf(r.status()), r.image(), r.containerId(),
                    Json.readMap(r.labelsJson()), Instant.ofEpochMilli(r.createdAt()), Instant.ofEpochMilli(r.lastActivityAt()));
        }).toList();
    }

    public boolean destroy(String id) {
        SandboxRuntime runtime = live.remove(id);
        if (runtime == null) {
            Optional<SandboxRecord> rec = repo.find(id);
            if (rec.isEmpty()) {
                return false;
            }
            runtime = new SandboxRuntime(rec.get(), Map.of(), containers, repo, clock, engineId, services);
        }
        runtime.destroy();
        if (services.egress() != null) {
            services.egress().forgetSandbox(id);
        }
        return true;
    }

    @Override
    public String sandboxOf(String containerId) {
        for (SandboxRuntime rt : live.values()) {
            if (containerId.equals(rt.containerId()) && !rt.isDestroyed()) {
                return rt.id;
            }
        }
        for (SandboxRecord r : repo.list()) {
            if (containerId.equals(r.containerId())) {
                return r.id();
            }
        }
        return null;
    }

    @Override
    public EgressPolicy storedPolicy(String sandboxId) {
        SandboxRuntime rt = live.get(sandboxId);
        if (rt != null && !rt.isDestroyed()) {
            return rt.settings().storedPolicy();
        }
        return repo.find(sandboxId).map(r -> Json.read(r.settingsJson(), SandboxSettings.class).storedPolicy()).orElse(null);
    }

    /** Whether the sandbox is in the database and its container exists on Docker (running or stopped). */
    public boolean containerExists(String id) {
        Optional<SandboxRecord> rec = id == null ? Optional.empty() : repo.find(id);
        return rec.isPresent() && rec.get().containerId() != null && containers.state(rec.get().containerId()) != null;
    }

    /** Removes containers with this engine's label whose sandbox is unknown or has another container. */
    public int reapOrphans() {
        int reaped = 0;
        Set<String> recorded = null;
        for (Container c : containers.listByLabel(Labels.ENGINE, engineId)) {
            String sandboxId = c.getLabels() == null ? null : c.getLabels().get(Labels.SANDBOX);
            if (sandboxId == null && c.getLabels() != null && c.getLabels().containsKey(Labels.POOL)) {
                // a warm-pool container: waiting in a pool, or handed to a sandbox (recorded as its container)
                if (services.pool() != null && services.pool().holds(c.getId())) {
                    continue;
                }
                if (recorded == null) {
                    recorded = new HashSet<>();
                    for (SandboxRecord r : repo.list()) {
                        if (r.containerId() != null) {
                            recorded.add(r.containerId());
                        }
                    }
                }
                if (!recorded.contains(c.getId()) && WarmPool.ownerGone(c)) {
                    LOG.info("Removing warm-pool container {} left by an engine process that is gone", c.getId());
                    containers.remove(c.getId());
                    reaped++;
                    services.events().orphanReaped(c.getId(), null);
                }
                continue;
            }
            Optional<SandboxRecord> rec = sandboxId == null ? Optional.empty() : repo.find(sandboxId);
            boolean orphan = rec.isEmpty()
                    || (rec.get().containerId() != null && !rec.get().containerId().equals(c.getId()));
            if (orphan) {
                LOG.info("Removing orphan container {} (sandbox {})", c.getId(), sandboxId);
                containers.remove(c.getId());
                reaped++;
                services.events().orphanReaped(c.getId(), sandboxId);
            }
        }
        return reaped;
    }

    /** Stops sandboxes idle longer than their sleepAfter; returns how many. */
    public int sleepIdle() {
        for (SandboxRuntime rt : live.values()) {
            rt.heartbeat();
        }
        Instant now = clock.instant();
        int slept = 0;
        for (SandboxRecord r : repo.list()) {
            SandboxRuntime rt = live.get(r.id());
            if (rt != null) {
                if (rt.sleepIfIdle(now)) {
                    slept++;
                }
                continue;
            }
            SandboxSettings s = Json.read(r.settingsJson(), SandboxSettings.class);
            if (!s.keepAlive() && SandboxStatus.RUNNING.name().equals(r.status()) && r.containerId() != null
                    && now.toEpochMilli() - r.lastActivityAt() >= s.sleepAfterMillis()
                    && !LiveWork.recordedProcessesRun(repo, r)) {
                containers.stop(r.containerId());
                repo.updateStatus(r.id(), SandboxStatus.SLEEPING.name());
                slept++;
            }
        }
        return slept;
    }

    /** Destroys sandboxes older than their maximum lifetime; returns how many. */
    public int destroyExpired() {
        long now = clock.millis();
        int destroyed = 0;
        for (SandboxRecord r : repo.list()) {
            SandboxSettings s = Json.read(r.settingsJson(), SandboxSettings.class);
            if (s.maxLifetimeMillis() != null && now - r.createdAt() >= s.maxLifetimeMillis()) {
                LOG.info("Destroying sandbox {}: older than its maximum lifetime", r.id());
                destroy(r.id());
                destroyed++;
            }
        }
        return destroyed;
    }

    /** Closes every session shell (the engine closes); containers keep running. */
    public void close() {
        for (SandboxRuntime rt : live.values()) {
            try {
                rt.closeShells();
            } catch (RuntimeException e) {
                LOG.debug("Closing the sessions of {} failed", rt.id, e);
            }
        }
        live.clear();
    }

    private void forget(SandboxRuntime runtime) {
        live.remove(runtime.id, runtime);
    }

    private SandboxRuntime loadOrCreate(String id, SandboxOptions options, boolean[] created) {
        Optional<SandboxRecord> existing = repo.find(id);
        if (existing.isPresent()) {
            Map<String, Secret> secrets = new LinkedHashMap<>(defaults.secrets());
            secrets.putAll(options.secrets());
            SandboxRuntime rt = new SandboxRuntime(existing.get(), secrets, containers, repo, clock, engineId, services);
            if (rt.containerId() == null) {
                rt.createContainer();
            }
            return rt;
        }
        SandboxRuntime.validateEnv(options.env());
        SandboxSettings settings = SandboxSettings.resolve(defaults, options);
        Map<String, String> env = new LinkedHashMap<>(defaults.env());
        env.putAll(options.env());
        Map<String, String> labels = new LinkedHashMap<>(defaults.labels());
        labels.putAll(options.labels());
        Map<String, Secret> secrets = new LinkedHashMap<>(defaults.secrets());
        secrets.putAll(options.secrets());
        long now = clock.millis();
        String imageName = options.image() != null ? options.image() : image;
        // a container of the warm pool is recorded with the row itself: one write, no Docker call
        WarmPool.Pooled pooled = services.pool() == null ? null : services.pool().take(imageName, settings).orElse(null);
        SandboxRecord record = new SandboxRecord(id, pooled == null ? null : pooled.containerId(), imageName,
                SandboxStatus.RUNNING.name(), Json.write(env), Json.write(labels), Json.write(settings),
                pooled == null ? 0 : 1, now, now);
        boolean inserted;
        try {
            inserted = repo.insertIfAbsent(record);
        } catch (RuntimeException e) {
            if (pooled != null) {
                services.pool().discard(pooled);
            }
            throw e;
        }
        if (!inserted) {
            if (pooled != null) {
                services.pool().discard(pooled);
            }
            record = repo.find(id).orElseThrow();
        }
        SandboxRuntime rt = new SandboxRuntime(record, secrets, containers, repo, clock, engineId, services);
        if (inserted && pooled != null) {
            rt.adoptPooled(pooled);
        } else if (rt.containerId() == null) {
            try {
                rt.createContainer(inserted);
            } catch (SandboxException e) {
                repo.delete(id);
                throw e;
            }
        }
        created[0] = inserted;
        return rt;
    }

    private static void validateId(String id) {
        if (id == null || id.isBlank() || id.length() > 200 || id.chars().anyMatch(ch -> ch < 0x20)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + id
                    + "' is not a sandbox id: use 1 to 200 printable characters.");
        }
    }
}
