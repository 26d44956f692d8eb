package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxStatus;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import dev.sandboxjobs.storage.sandbox.SandboxRecord;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of one sandbox in this engine: its container's lifecycle (create, adopt from the
 * pool, wake, recover, sleep, destroy) and its activity, with the parts it is made of — its
 * {@link SandboxEnvironment}, {@link Sessions}, {@link PrebootedShell}, {@link InternalShell}, {@link HelperShells} and
 * {@link InterpreterSlot}. Handles ({@code RealSandbox}, {@code RealSession}) are thin fronts over it.
 *
 * <p>A container that stopped (slept, or was killed from outside) is started again on the next
 * call with its files; one that was removed from outside is replaced by a new, empty container
 * under the same sandbox id. Background processes of an earlier container are reported KILLED.
 */
final class SandboxRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxRuntime.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String DEFAULT_CWD = "/workspace";

    final String id;
    final Containers containers;
    final SandboxRepository repo;
    final Clock clock;
    final String engineId;
    final SandboxSettings settings;
    final String image;
    final Map<String, String> labels;
    final Instant createdAt;
    final SandboxEnvironment environment;
    private final Sessions sessions;
    private final PrebootedShell prebooted;
    final InternalShell internalShell;
    final HelperShells helperShells;
    private final InterpreterSlot interpreter;
    private volatile String containerId;
    private volatile long generation;
    private volatile SandboxStatus status;
    private final Activity activity;
    /** The buckets this engine mounted in the sandbox. */
    final BucketMounts buckets = new BucketMounts();
    private volatile boolean destroyed;
    final ProcessOps processes;
    final SandboxServices services;
    private volatile String addressKey;
    private volatile String address;

    SandboxRuntime(SandboxRecord record, Map<String, Secret> secrets, Containers containers, SandboxRepository repo,
                   Clock clock, String engineId, SandboxServices services) {
        this.id = record.id();
        this.services = services;
        this.containers = containers;
        this.repo = repo;
        this.clock = clock;
        this.engineId = engineId;
        this.settings = Json.read(record.settingsJson(), SandboxSettings.class);
        this.image = record.image();
        this.labels = Json.readMap(record.labelsJson());
        this.createdAt = Instant.ofEpochMilli(record.createdAt());
        this.environment = new SandboxEnvironment(id, repo, Json.readMap(record.envJson()), secrets);
        this.containerId = record.containerId();
        this.generation = record.generation();
        this.status = SandboxStatus.valueOf(record.status());
        this.activity = new Activity(id, repo, clock, record.lastActivityAt());
        this.processes = new ProcessOps(this);
        this.sessions = new Sessions(this);
        this.prebooted = new PrebootedShell(id);
        this.helperShells = new HelperShells(this);
        this.internalShell = new InternalShell(id, containers, helperShells);
        this.interpreter = new InterpreterSlot(this);
    }

    public String id() {
        return id;
    }

    public SandboxSettings settings() {
        return settings;
    }

    void updateSecrets(Map<String, Secret> newSecrets) {
        environment.updateSecrets(newSecrets);
    }

    // ----- the container

    /** Creates the container of a sandbox whose row exists without one. */
    synchronized void createContainer() {
        createContainer(false);
    }

    /**
     * Creates the container of a sandbox whose row exists without one. For a {@code fresh}
     * sandbox (its default session does not exist yet) the default session's shell starts
     * booting in the background while the caller goes on (the row is written meanwhile).
     */
    synchronized void createContainer(boolean fresh) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put(Labels.ENGINE, engineId);
        all.put(Labels.SANDBOX, id);
        String name = "sandbox-jobs-" + id.replaceAll("[^a-zA-Z0-9_.-]", "-")
                .substring(0, Math.min(40, id.length())) + "-" + HexFormat.of().formatHex(randomBytes(4));
        if (!Character.isLetterOrDigit(name.charAt(0))) {
            name = "sj" + name;
        }
        Containers.Spec spec = new Containers.Spec(name, image, all, settings.memoryBytes(),
                settings.cpus(), settings.pidsLimit(), settings.containerNetwork(), settings.volumes(),
                settings.diskBytes(), settings.user());
        String cid;
        try {
            // a fresh sandbox's shell boots while a proxied container's firewall rules are installed
            cid = containers.createAndStart(spec, fresh
                    ? prepared -> prebooted.bootInBackground(containers, prepared, services.background())
                    : prepared -> { });
        } catch (RuntimeException e) {
            prebooted.discard();
            throw e;
        }
        generation = generation + 1;
        containerId = cid;
        status = SandboxStatus.RUNNING;
        repo.updateContainer(id, cid, status.name(), generation);
        interpreter.prewarm();
    }

    /** Takes over a warm-pool container already recorded as this sandbox's container. */
    synchronized void adoptPooled(WarmPool.Pooled pooled) {
        prebooted.set(CompletableFuture.completedFuture(pooled.shell()), pooled.containerId(), true);
        interpreter.prewarm();
    }

    /**
     * The default session's shell booted while the sandbox was created (null if there is none,
     * or it failed), with the sandbox's and the session's variables exported.
     */
    ShellSession takePrebootedShell(Map<String, String> sessionEnv) {
        return prebooted.take(containerId, environment::variables, sessionEnv);
    }

    /** The default session's pre-booted shell for a helper's use, while the session has not taken it ({@link PrebootedShell#takeUnused}). */
    ShellSession takeUnusedSessionShell(String containerId) {
        return prebooted.takeUnused(containerId);
    }

    String containerId() {
        return containerId;
    }

    long generation() {
        return generation;
    }

    /** Starts the container if it sleeps or was stopped; replaces it if it was removed. */
    synchronized void ensureRunning() {
        checkUsable();
        if (status == SandboxStatus.RUNNING && containerId != null) {
            return;
        }
        recover();
    }

    /** Brings the container back after a call found it stopped or gone. */
    synchronized void recover() {
        checkUsable();
        if (!repo.exists(id)) {
            destroyed = true;
            closeShells();
            throw new SandboxException(ErrorCode.SANDBOX_NOT_FOUND, "Sandbox " + id
                    + " no longer exists in the engine's database (destroyed by another engine?). "
                    + "Get a new one with engine.getSandbox(id).");
        }
        InspectContainerResponse.ContainerState state = containerId == null ? null : containers.state(containerId);
        closeShells();
        if (state == null) {
            if (containerId != null) {
                LOG.warn("Container of sandbox {} was removed from outside; creating a new, empty one", id);
            }
            createContainer();
            return;
        }
        if (!Boolean.TRUE.equals(state.getRunning())) {
            try {
                containers.start(containerId);
            } catch (NotFoundException e) {
                createContainer();
                return;
            }
            generation = generation + 1;
        }
        status = SandboxStatus.RUNNING;
        repo.updateContainer(id, containerId, status.name(), generation);
        interpreter.prewarm();
    }

    /** Stops and starts the container: the last resort when a runaway command cannot be killed. */
    synchronized void restartContainer() {
        checkUsable();
        LOG.warn("Restarting the container of sandbox {}: a timed-out command could not be killed", id);
        closeShells();
        containers.stop(containerId);
        recover();
    }

    /**
     * Records activity now if a call is in flight, so that another engine on the same database
     * does not put the sandbox to sleep in the middle of a long command.
     */
    void heartbeat() {
        if (!destroyed) {
            activity.heartbeat();
        }
    }

    /** Stops the container if nothing ran for {@code sleepAfter}; returns whether it did. */
    synchronized boolean sleepIfIdle(Instant now) {
        if (destroyed || settings.keepAlive() || status != SandboxStatus.RUNNING || activity.busy()
                || now.toEpochMilli() - activity.last() < settings.sleepAfterMillis()) {
            return false;
        }
        if (LiveWork.keepsAwake(this)) {
            touch();
            return false;
        }
        closeInterpreter("the sandbox went to sleep after being idle, which stops its interpreters");
        closeShells();
        if (containerId != null) {
            containers.stop(containerId);
        }
        status = SandboxStatus.SLEEPING;
        repo.updateStatus(id, status.name());
        LOG.debug("Sandbox {} slept after {} ms idle", id, now.toEpochMilli() - activity.last());
        return true;
    }

    /** Removes the container and everything stored. Safe twice. */
    synchronized void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        closeShells(true);
        sessions.clear();
        if (containerId != null) {
            containers.remove(containerId);
        }
        // a process killed between creating a container and recording it (kill -9) leaves one more
        // container carrying this sandbox's labels: remove it with the sandbox
        try {
            for (var c : containers.listByLabel(Labels.SANDBOX, id)) {
                if (c.getLabels() != null && engineId.equals(c.getLabels().get(Labels.ENGINE))
                        && !c.getId().equals(containerId)) {
                    LOG.info("Removing unrecorded container {} of destroyed sandbox {}", c.getId(), id);
                    containers.remove(c.getId());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not look for unrecorded containers of sandbox {}; the orphan reaper will", id, e);
        }
        repo.delete(id);
        services.previews().forget(id);
        services.events().destroyed(id);
    }

    boolean isDestroyed() {
        return destroyed;
    }

    /** Closes the sessions' shells, the engine's own shell and the code interpreter. */
    void closeShells() {
        closeShells(false);
    }

    /**
     * Closes the shells; with {@code containerGoing} (the container is removed next) without
     * killing their processes first, which the removal does.
     */
    void closeShells(boolean containerGoing) {
        closeInterpreter("the sandbox's container was stopped or restarted, which stops its interpreters");
        prebooted.discard();
        sessions.closeShells(containerGoing);
        helperShells.close();
    }

    /**
     * Runs an engine-internal program (argv, never a shell string) through the sandbox's helper
     * shells, which take about a millisecond where a Docker exec takes tens. Falls back to a Docker
     * exec when no helper shell can be used.
     */
    ExecOutput runInternal(List<String> argv, long maxBytes) {
        return internalShell.run(containerId, argv, maxBytes);
    }

    /**
     * Whether the kernel's out-of-memory killer killed a process in this sandbox's container since
     * the last call; see {@link InternalShell#oomKilledSinceLastCheck}.
     */
    boolean oomKilledSinceLastCheck() {
        return internalShell.oomKilledSinceLastCheck(containerId());
    }

    // ----- code interpreter

    /** This sandbox's code interpreter, created (and its executors pre-warmed) on first use. */
    CodeInterpreter interpreter() {
        return interpreter.get();
    }

    /** The code interpreter if one runs now (never starts one). */
    CodeInterpreter interpreterIfRunning() {
        return interpreter.ifRunning();
    }

    /** Stops every executor; contexts are lost, and later use of them says why. */
    void closeInterpreter(String reason) {
        interpreter.close(reason);
    }

    String lostContextHint(String contextId) {
        return interpreter.lostContextHint(contextId);
    }

    String takeLostDefaultContext(String defaultContextId) {
        return interpreter.takeLostDefaultContext(defaultContextId);
    }

    void contextDeleted(String contextId) {
        interpreter.contextDeleted(contextId);
    }

    // ----- preview URLs

    SandboxStatus status() {
        return status;
    }

    /** The container's IP address while it runs (cached per container start), or null. */
    String address() {
        String key = containerId + "/" + generation;
        if (key.equals(addressKey) && address != null) {
            return address;
        }
        String ip = containerId == null ? null : containers.ipAddress(containerId);
        address = ip;
        addressKey = key;
        return ip;
    }

    /** A preview request counts as activity, so a sandbox serving requests does not fall asleep. */
    void recordActivity() {
        touch();
    }

    /** Starts a sleeping (or externally stopped) container. */
    synchronized void wake() {
        checkUsable();
        if (status == SandboxStatus.RUNNING && !containerStopped()) {
            touch();
            return;
        }
        recover();
        touch();
    }

    private void checkUsable() {
        if (destroyed) {
            throw new SandboxException(ErrorCode.SANDBOX_DESTROYED, "Sandbox " + id
                    + " was destroyed. Get a new one with engine.getSandbox(id).");
        }
    }

    /**
     * Runs an operation against a running container: wakes it first, and if Docker says the
     * container is not running (killed from outside) or gone, recovers once and retries.
     */
    <T> T call(Supplier<T> operation) {
        checkUsable();
        activity.enter();
        try {
            touch();
            ensureRunning();
            try {
                return operation.get();
            } catch (ConflictException | NotFoundException e) {
                if (!containerStopped()) {
                    throw DockerErrors.error("Docker refused an operation on sandbox " + id, e);
                }
                recover();
                return operation.get();
            }
        } catch (RuntimeException e) {
            // the daemon stopped or restarted under us: a typed error, not the transport's exception
            if (DockerErrors.isTransportFailure(e)) {
                throw DockerErrors.unavailable(containers.host(), e);
            }
            throw e;
        } finally {
            activity.exit();
            touch();
        }
    }

    /** Whether the container is no longer running (checked against Docker). */
    boolean containerStopped() {
        InspectContainerResponse.ContainerState state = containerId == null ? null : containers.state(containerId);
        return state == null || !Boolean.TRUE.equals(state.getRunning());
    }

    /**
     * When the container stopped, if it is seen stopped within {@code wait} (after a shell died by
     * a signal, Docker may report the container running for a moment); {@code Instant.MIN} if it
     * is gone or the time is unknown, null if it still runs.
     */
    Instant stoppedAt(Duration wait) {
        return containers.stoppedAt(containerId, wait);
    }

    /** Live work that keeps the sandbox awake: open watches and bucket mounts, preview connections. */
    ActivityHolds holds() {
        return activity.holds;
    }

    private void touch() {
        activity.touch();
    }

    SandboxInfo info() {
        checkUsable();
        return new SandboxInfo(id, status, image, containerId, labels, createdAt, Instant.ofEpochMilli(activity.last()));
    }

    // ----- environment and sessions

    /** The sandbox's variables and secrets (secrets resolved now), under a session's variables. */
    List<String> execEnv(Map<String, String> sessionEnv, Map<String, String> extra) {
        return environment.execEnv(sessionEnv, extra);
    }

    void setEnvVars(Map<String, String> vars) {
        environment.set(vars);
        sessions.sandboxEnvChanged(vars);
    }

    static void validateEnv(Map<String, String> vars) {
        SandboxEnvironment.validate(vars);
    }

    SessionState session(String sessionId) {
        checkUsable();
        return sessions.get(sessionId);
    }

    SessionState createSession(String sessionId, Map<String, String> sessionEnv, String cwd) {
        checkUsable();
        return sessions.create(sessionId, sessionEnv, cwd);
    }

    List<String> listSessions() {
        checkUsable();
        return sessions.list();
    }

    void deleteSession(String sessionId) {
        checkUsable();
        sessions.delete(sessionId);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
