package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxStatus;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.storage.sandbox.SandboxRecord;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import dev.sandboxjobs.storage.sandbox.SessionRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import dev.sandboxjobs.engine.interpreter.internal.DockerExecLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of one sandbox in this engine: its container, sessions and environment. Handles
 * ({@code RealSandbox}, {@code RealSession}) are thin fronts over it.
 *
 * <p>A container that stopped (slept, or was killed from outside) is started again on the next
 * call with its files; one that was removed from outside is replaced by a new, empty container
 * under the same sandbox id. Background processes of an earlier container are reported KILLED.
 */
public final class SandboxRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxRuntime.class);
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
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
    private final Map<String, String> env;
    private volatile Map<String, Secret> secrets;
    private final Map<String, SessionState> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile String containerId;
    private volatile long generation;
    private volatile SandboxStatus status;
    private volatile long lastActivity;
    private volatile long lastPersistedActivity;
    private volatile boolean destroyed;
    final ProcessOps processes;
    private final Object internalLock = new Object();
    private ShellSession internalShell;
    final SandboxServices services;
    private final Object interpreterLock = new Object();
    private CodeInterpreter interpreter;
    /** Contexts whose interpreter was stopped (context id to why), to explain CONTEXT_NOT_FOUND. */
    private final Map<String, String> lostContexts = new ConcurrentHashMap<>();
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
        this.env = new LinkedHashMap<>(Json.readMap(record.envJson()));
        this.secrets = Map.copyOf(secrets);
        this.containerId = record.containerId();
        this.generation = record.generation();
        this.status = SandboxStatus.valueOf(record.status());
        this.lastActivity = record.lastActivityAt();
        this.lastPersistedActivity = record.lastActivityAt();
        this.processes = new ProcessOps(this);
    }

    public String id() {
        return id;
    }

    public SandboxSettings settings() {
        return settings;
    }

    void updateSecrets(Map<String, Secret> newSecrets) {
        if (!newSecrets.isEmpty()) {
            Map<String, Secret> merged = new LinkedHashMap<>(secrets);
            merged.putAll(newSecrets);
            secrets = Map.copyOf(merged);
        }
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
        all.put(SandboxEngine.ENGINE_LABEL, engineId);
        all.put(SandboxEngine.SANDBOX_LABEL, id);
        String name = "sandbox-jobs-" + id.replaceAll("[^a-zA-Z0-9_.-]", "-")
                .substring(0, Math.min(40, id.length())) + "-" + HexFormat.of().formatHex(randomBytes(4));
        if (!Character.isLetterOrDigit(name.charAt(0))) {
            name = "sj" + name;
        }
        String cid = containers.createAndStart(new Containers.Spec(name, image, all, settings.memoryBytes(),
                settings.cpus(), settings.pidsLimit(), settings.network().name().toLowerCase(), settings.volumes(),
                settings.diskBytes()));
        generation = generation + 1;
        containerId = cid;
        status = SandboxStatus.RUNNING;
        if (fresh) {
            // booted without the sandbox's variables: they (and secrets, resolved then) are exported on first use,
            // so that secrets given or variables set before the first command are the current ones
            CompletableFuture<ShellSession> boot = new CompletableFuture<>();
            try {
                services.background().execute(() -> {
                    try {
                        boot.complete(new ShellSession(containers, cid, List.of(), DEFAULT_CWD));
                    } catch (Throwable e) {
                        boot.completeExceptionally(e);
                    }
                });
                setPrebooted(boot, cid, true);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the engine is closing: the first command boots its shell itself
            }
        }
        repo.updateContainer(id, cid, status.name(), generation);
        prewarmInterpreter();
    }

    /** Takes over a warm-pool container already recorded as this sandbox's container. */
    synchronized void adoptPooled(WarmPool.Pooled pooled) {
        setPrebooted(CompletableFuture.completedFuture(pooled.shell()), pooled.containerId(), true);
        prewarmInterpreter();
    }

    private final Object prebootLock = new Object();
    private CompletableFuture<ShellSession> prebooted;
    private String prebootedContainer;
    private boolean prebootedNeedsEnv;

    private void setPrebooted(CompletableFuture<ShellSession> shell, String container, boolean needsEnv) {
        synchronized (prebootLock) {
            discardPrebooted();
            prebooted = shell;
            prebootedContainer = container;
            prebootedNeedsEnv = needsEnv;
        }
    }

    private void discardPrebooted() {
        synchronized (prebootLock) {
            if (prebooted != null) {
                prebooted.thenAccept(ShellSession::abandon);
                prebooted = null;
            }
        }
    }

    /**
     * The default session's shell booted while the sandbox was created (null if there is none,
     * or it failed), with the sandbox's and the session's variables exported.
     */
    ShellSession takePrebootedShell(Map<String, String> sessionEnv) {
        CompletableFuture<ShellSession> f;
        boolean needsEnv;
        synchronized (prebootLock) {
            f = prebooted;
            needsEnv = prebootedNeedsEnv;
            prebooted = null;
            if (f != null && !java.util.Objects.equals(prebootedContainer, containerId)) {
                f.thenAccept(ShellSession::abandon);
                return null;
            }
        }
        if (f == null) {
            return null;
        }
        ShellSession shell;
        try {
            shell = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("The default session's shell of sandbox {} did not boot in the background", id, e);
            f.thenAccept(ShellSession::close);
            return null;
        }
        if (!shell.isAlive()) {
            shell.close();
            return null;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        try {
            if (needsEnv) {
                vars.putAll(interpreterEnv());
            }
            vars.putAll(sessionEnv);
        } catch (RuntimeException e) {
            // a secret that cannot be revealed: the caller gets the error, the shell does not leak
            shell.close();
            throw e;
        }
        if (!vars.isEmpty()) {
            try {
                shell.setEnv(vars);
            } catch (SandboxException e) {
                shell.close();
                throw e;
            } catch (RuntimeException e) {
                shell.close();
                return null;
            }
        }
        return shell;
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
        prewarmInterpreter();
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
        if (!destroyed && inFlight.get() > 0) {
            long now = clock.millis();
            lastActivity = now;
            lastPersistedActivity = now;
            repo.touch(id, now);
        }
    }

    /** Stops the container if nothing ran for {@code sleepAfter}; returns whether it did. */
    synchronized boolean sleepIfIdle(Instant now) {
        if (destroyed || settings.keepAlive() || status != SandboxStatus.RUNNING || inFlight.get() > 0
                || now.toEpochMilli() - lastActivity < settings.sleepAfterMillis()) {
            return false;
        }
        closeInterpreter("the sandbox went to sleep after being idle, which stops its interpreters");
        closeShells();
        if (containerId != null) {
            containers.stop(containerId);
        }
        status = SandboxStatus.SLEEPING;
        repo.updateStatus(id, status.name());
        LOG.debug("Sandbox {} slept after {} ms idle", id, now.toEpochMilli() - lastActivity);
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
            for (var c : containers.listByLabel(SandboxEngine.SANDBOX_LABEL, id)) {
                if (c.getLabels() != null && engineId.equals(c.getLabels().get(SandboxEngine.ENGINE_LABEL))
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
        discardPrebooted();
        for (SessionState s : sessions.values()) {
            s.closeShell(containerGoing);
        }
        synchronized (internalLock) {
            if (internalShell != null) {
                if (containerGoing) {
                    internalShell.abandon();
                } else {
                    internalShell.close();
                }
                internalShell = null;
            }
        }
    }

    /**
     * Runs an engine-internal program (argv, never a shell string) through the sandbox's own
     * long-lived shell, which takes about a millisecond where a Docker exec takes tens. Falls back
     * to a Docker exec when that shell cannot be used.
     */
    dev.sandboxjobs.engine.internal.docker.ExecOutput runInternal(List<String> argv, long maxBytes) {
        synchronized (internalLock) {
            try {
                if (internalShell == null || !internalShell.isAlive()) {
                    if (internalShell != null) {
                        internalShell.close();
                    }
                    internalShell = new ShellSession(containers, containerId, List.of(), "/");
                }
                return internalShell.call(argv, maxBytes, java.time.Duration.ofMinutes(5));
            } catch (ConflictException | NotFoundException e) {
                throw e;
            } catch (RuntimeException e) {
                if (internalShell != null) {
                    internalShell.close();
                    internalShell = null;
                }
                LOG.debug("The engine's shell in sandbox {} failed; using a Docker exec", id, e);
            }
        }
        return containers.exec(containerId, argv, List.of(), null, maxBytes);
    }

    private final Object oomLock = new Object();
    private String oomContainer;
    private long oomKillsSeen;

    /**
     * Whether the kernel's out-of-memory killer killed a process in this sandbox's container since
     * the last call (the cgroup's {@code oom_kill} counter, v1 or v2, grew). Called after a command
     * ended with SIGKILL, to report an OOM kill as such. A new container starts from zero.
     */
    boolean oomKilledSinceLastCheck() {
        synchronized (oomLock) {
            String container = containerId();
            long now;
            try {
                dev.sandboxjobs.engine.internal.docker.ExecOutput o = runInternal(List.of("cat",
                        "/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"), 8192);
                now = parseOomKills(o.stdoutText());
            } catch (RuntimeException e) {
                LOG.debug("Could not read the OOM counter of sandbox {}", id, e);
                return false;
            }
            long before = container.equals(oomContainer) ? oomKillsSeen : 0;
            oomContainer = container;
            oomKillsSeen = now;
            return now > before;
        }
    }

    static long parseOomKills(String text) {
        long max = 0;
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("oom_kill")) {
                try {
                    max = Math.max(max, Long.parseLong(parts[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return max;
    }

    // ----- code interpreter

    /** This sandbox's code interpreter, created (and its executors pre-warmed) on first use. */
    CodeInterpreter interpreter() {
        synchronized (interpreterLock) {
            if (interpreter == null) {
                interpreter = new CodeInterpreter(new DockerExecLauncher(containers.client(), containerId, null), clock,
                        null, prewarmLanguages(), this::interpreterEnv, true);
            }
            return interpreter;
        }
    }

    /** The code interpreter if one runs now (never starts one). */
    CodeInterpreter interpreterIfRunning() {
        synchronized (interpreterLock) {
            return interpreter;
        }
    }

    /** The languages pre-warmed for this sandbox: its own option, else the engine's. */
    java.util.Set<dev.sandboxjobs.engine.interpreter.CodeLanguage> prewarmLanguages() {
        return settings.prewarm() != null ? settings.prewarm() : services.prewarm();
    }

    /** Starts the pre-warmed executors in the background (a container just started). */
    private void prewarmInterpreter() {
        if (!prewarmLanguages().isEmpty() && !destroyed) {
            try {
                interpreter();
            } catch (RuntimeException e) {
                LOG.debug("Could not pre-warm the code interpreter of sandbox {}", id, e);
            }
        }
    }

    /** Stops every executor; contexts are lost, and later use of them says why. */
    void closeInterpreter(String reason) {
        CodeInterpreter current;
        synchronized (interpreterLock) {
            current = interpreter;
            interpreter = null;
        }
        if (current != null) {
            current.listCodeContexts().forEach(c -> lostContexts.put(c.id(), reason));
            current.close();
        }
    }

    /** Why a context is unknown: deleted, lost when the interpreter stopped, or never created here. */
    String lostContextHint(String contextId) {
        String reason = lostContexts.get(contextId);
        if (reason != null) {
            return "Code context " + contextId + " of sandbox " + id + " is gone: " + reason
                    + ", and variables and imports were lost. Create a new context with createCodeContext"
                    + " and run its set-up code again.";
        }
        return "No code context " + contextId + " in sandbox " + id + ": it was deleted, belongs to another sandbox,"
                + " or was lost when the sandbox slept, its container restarted or the engine restarted (contexts"
                + " live in their interpreter processes only). Create a new one with createCodeContext.";
    }

    /**
     * Why the default context of a language was lost, once: the next run in it starts fresh and
     * says so. Null when it was not lost.
     */
    String takeLostDefaultContext(String defaultContextId) {
        return lostContexts.remove(defaultContextId);
    }

    void contextDeleted(String contextId) {
        lostContexts.put(contextId, "it was deleted with deleteCodeContext");
    }

    private Map<String, String> interpreterEnv() {
        Map<String, String> merged = new LinkedHashMap<>();
        synchronized (env) {
            merged.putAll(env);
        }
        secrets.forEach((k, v) -> merged.put(k, v.reveal()));
        return merged;
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
        inFlight.incrementAndGet();
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
            inFlight.decrementAndGet();
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
    Instant stoppedAt(java.time.Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            InspectContainerResponse.ContainerState state = containerId == null ? null : containers.state(containerId);
            if (state == null) {
                return Instant.MIN;
            }
            if (!Boolean.TRUE.equals(state.getRunning())) {
                try {
                    return Instant.parse(state.getFinishedAt());
                } catch (RuntimeException e) {
                    return Instant.MIN;
                }
            }
            if (System.nanoTime() >= deadline) {
                return null;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private void touch() {
        long now = clock.millis();
        lastActivity = now;
        if (now - lastPersistedActivity >= 1000) {
            lastPersistedActivity = now;
            try {
                repo.touch(id, now);
            } catch (RuntimeException e) {
                LOG.debug("Could not record activity of sandbox {}", id, e);
            }
        }
    }

    SandboxInfo info() {
        checkUsable();
        return new SandboxInfo(id, status, image, containerId, labels, createdAt, Instant.ofEpochMilli(lastActivity));
    }

    // ----- environment

    /** The sandbox's variables and secrets (secrets resolved now), under a session's variables. */
    List<String> execEnv(Map<String, String> sessionEnv, Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>();
        synchronized (env) {
            merged.putAll(env);
        }
        secrets.forEach((k, v) -> merged.put(k, v.reveal()));
        merged.putAll(sessionEnv);
        merged.putAll(extra);
        List<String> list = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    void setEnvVars(Map<String, String> vars) {
        validateEnv(vars);
        synchronized (env) {
            env.putAll(vars);
            repo.updateEnv(id, Json.write(env));
        }
        for (SessionState s : sessions.values()) {
            s.sandboxEnvChanged(vars);
        }
    }

    static void validateEnv(Map<String, String> vars) {
        vars.forEach((k, v) -> {
            if (k == null || !ENV_NAME.matcher(k).matches()) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + k
                        + "' is not a valid environment variable name: use letters, digits and _, not starting with a digit.");
            }
            if (v == null || v.indexOf('\0') >= 0) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The value of " + k
                        + " is null or contains a NUL byte, which environment variables cannot hold.");
            }
        });
    }

    // ----- sessions

    SessionState session(String sessionId) {
        checkUsable();
        SessionState s = sessions.get(sessionId);
        if (s != null) {
            return s;
        }
        if (Sandboxes.DEFAULT_SESSION.equals(sessionId)) {
            SessionRecord inserted = new SessionRecord(id, sessionId, "{}", DEFAULT_CWD, clock.millis());
            if (repo.insertSession(inserted)) {
                return sessions.computeIfAbsent(sessionId, k -> new SessionState(this, inserted.id(), Map.of(), inserted.cwd()));
            }
        }
        SessionRecord rec = repo.findSession(id, sessionId).orElseThrow(() -> new SandboxException(
                ErrorCode.SESSION_NOT_FOUND, "Sandbox " + id + " has no session '" + sessionId
                + "'. Create it with createSession, or list them with listSessions."));
        return sessions.computeIfAbsent(sessionId, k -> new SessionState(this, rec.id(), Json.readMap(rec.envJson()), rec.cwd()));
    }

    SessionState createSession(String sessionId, Map<String, String> sessionEnv, String cwd) {
        checkUsable();
        validateEnv(sessionEnv);
        String sid = sessionId != null ? sessionId : "session-" + HexFormat.of().formatHex(randomBytes(6));
        if (sid.isBlank() || sid.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A session id must not be blank or contain NUL.");
        }
        String dir = cwd == null ? DEFAULT_CWD : PosixPaths.resolve(cwd, DEFAULT_CWD);
        if (Sandboxes.DEFAULT_SESSION.equals(sid) || !repo.insertSession(new SessionRecord(id, sid, Json.write(sessionEnv), dir, clock.millis()))) {
            throw new SandboxException(ErrorCode.SESSION_EXISTS, "Sandbox " + id + " already has a session '" + sid
                    + "'. Use getSession to resume it, or choose another id.");
        }
        return session(sid);
    }

    List<String> listSessions() {
        checkUsable();
        session(Sandboxes.DEFAULT_SESSION);
        return repo.listSessions(id).stream().map(SessionRecord::id).toList();
    }

    void deleteSession(String sessionId) {
        checkUsable();
        if (Sandboxes.DEFAULT_SESSION.equals(sessionId)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The default session cannot be deleted; destroy the sandbox instead.");
        }
        SessionState s = sessions.remove(sessionId);
        if (s != null) {
            s.closeShell();
        }
        if (!repo.deleteSession(id, sessionId) && s == null) {
            throw new SandboxException(ErrorCode.SESSION_NOT_FOUND, "Sandbox " + id + " has no session '" + sessionId + "'.");
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
