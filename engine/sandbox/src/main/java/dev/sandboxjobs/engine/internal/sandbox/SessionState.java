package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.StreamType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A session of a sandbox: its stored environment and directory, and its shell while one runs.
 * Calls are serialized by a fair lock; different sessions have different locks.
 */
final class SessionState {
    private final SandboxRuntime sandbox;
    final String id;
    private final Map<String, String> env;
    private volatile String cwd;
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile ShellSession shell;

    SessionState(SandboxRuntime sandbox, String id, Map<String, String> env, String cwd) {
        this.sandbox = sandbox;
        this.id = id;
        this.env = new LinkedHashMap<>(env);
        this.cwd = cwd;
    }

    String cwd() {
        return cwd;
    }

    /** The session's own variables. */
    Map<String, String> env() {
        synchronized (env) {
            return new LinkedHashMap<>(env);
        }
    }

    ExecResult exec(String command, ExecOptions options) {
        if (command == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The command is null.");
        }
        if (command.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The command contains a NUL byte; shell commands cannot hold one.");
        }
        SandboxRuntime.validateEnv(options.env());
        if (options.timeout() != null && (options.timeout().isNegative() || options.timeout().isZero())) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The timeout must be positive.");
        }
        String dir = options.cwd() == null ? null : PosixPaths.resolve(options.cwd(), cwd);
        long max = options.maxOutputBytes() != null ? options.maxOutputBytes() : sandbox.settings.maxOutputBytes();
        return sandbox.services.events().exec(sandbox.id, id, () -> sandbox.call(() -> {
            lock.lock();
            try {
                return runLocked(command, options, dir, max, true);
            } finally {
                lock.unlock();
            }
        }));
    }

    /** Runs a program from its argv next to the session's shell ({@link HelperShells}), with this session's environment and directory. */
    ExecResult execArgv(List<String> argv, ExecOptions options) {
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isEmpty()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The argv is empty; give at least the program to run.");
        }
        for (String a : argv) {
            if (a == null || a.indexOf('\0') >= 0) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "An argument is null or contains a NUL byte, which"
                        + " a program's arguments cannot hold: " + HelperShells.display(argv.stream().map(String::valueOf).toList()));
            }
        }
        SandboxRuntime.validateEnv(options.env());
        if (options.timeout() != null && (options.timeout().isNegative() || options.timeout().isZero())) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The timeout must be positive.");
        }
        String dir = PosixPaths.resolve(options.cwd() == null ? cwd : options.cwd(), cwd);
        long max = options.maxOutputBytes() != null ? options.maxOutputBytes() : sandbox.settings.maxOutputBytes();
        List<String> execEnv = sandbox.execEnv(env(), options.env());
        return sandbox.services.events().exec(sandbox.id, id,
                () -> sandbox.call(() -> sandbox.helperShells.run(List.copyOf(argv), execEnv, dir, options, max)));
    }

    private ExecResult runLocked(String command, ExecOptions options, String dir, long max, boolean mayRetry) {
        ShellSession sh = shell();
        OutputSink out = new OutputSink(StreamType.STDOUT, options.onOutput(), max);
        OutputSink err = new OutputSink(StreamType.STDERR, options.onOutput(), max);
        long start = System.nanoTime();
        Instant sentAt = Instant.now();
        ShellSession.CommandEnd outcome;
        try {
            outcome = sh.run(command, options.env(), dir, out, err, options.timeout());
        } catch (SandboxException e) {
            if (sh.killFailed()) {
                sandbox.restartContainer();
            }
            throw e;
        } finally {
            if (!sh.isAlive()) {
                closeShell();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (outcome.shellExited()) {
            closeShell();
            boolean signalled = outcome.exitCode() < 0 || outcome.exitCode() >= 128;
            Instant stopped = signalled ? sandbox.stoppedAt(Duration.ofSeconds(2)) : (sandbox.containerStopped() ? Instant.MIN : null);
            if (stopped != null) {
                sandbox.recover();
                // Run it again only when Docker proves the container had stopped before the command was
                // sent (so it never ran): an unknown exit code or stop time is not proof, and a command
                // must never run twice behind the caller's back.
                if (mayRetry && !Instant.MIN.equals(stopped) && !stopped.isAfter(sentAt)) {
                    return runLocked(command, options, dir, max, false);
                }
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The container of sandbox " + sandbox.id
                        + " stopped while the command ran (killed from outside?). It was restarted with its files; "
                        + "run the command again.");
            }
        } else if (outcome.cwd() != null && !outcome.cwd().equals(cwd)) {
            cwd = outcome.cwd();
            sandbox.repo.updateSessionCwd(sandbox.id, id, cwd);
        }
        String stdout = out.finish();
        String stderr = err.finish();
        if (outcome.exitCode() == 137 && sandbox.oomKilledSinceLastCheck()) {
            stderr += ExecResult.OOM_KILLED_NOTE;
        }
        return new ExecResult(outcome.exitCode() == 0, outcome.exitCode(), stdout, stderr, command, took,
                out.truncated(), err.truncated());
    }

    void setEnvVars(Map<String, String> vars) {
        SandboxRuntime.validateEnv(vars);
        synchronized (env) {
            env.putAll(vars);
            sandbox.repo.updateSessionEnv(sandbox.id, id, Json.write(env));
        }
        pushToShell(vars);
    }

    /** The sandbox's variables changed: export those this session does not override. */
    void sandboxEnvChanged(Map<String, String> vars) {
        Map<String, String> visible = new LinkedHashMap<>(vars);
        synchronized (env) {
            visible.keySet().removeAll(env.keySet());
        }
        if (!visible.isEmpty()) {
            pushToShell(visible);
        }
    }

    private void pushToShell(Map<String, String> vars) {
        lock.lock();
        try {
            if (shell != null && shell.isAlive()) {
                try {
                    shell.setEnv(vars);
                } catch (RuntimeException e) {
                    closeShell();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} while holding this session's lock (file operations resolve paths with a stable cwd). */
    <T> T withLock(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private ShellSession shell() {
        if (shell == null && Sandboxes.DEFAULT_SESSION.equals(id)) {
            shell = sandbox.takePrebootedShell(env());
        }
        if (shell == null || !shell.isAlive()) {
            closeShell();
            // Docker's Conflict/NotFound (container stopped or gone) propagate to SandboxRuntime.call, which recovers
            shell = new ShellSession(sandbox.containers, sandbox.containerId(), sandbox.execEnv(env(), Map.of()), cwd);
        }
        return shell;
    }

    /** Kills what the running command started (the consumer of a stream went away). */
    void interruptCurrent() {
        ShellSession s = shell;
        if (s != null) {
            s.interrupt();
        }
    }

    void closeShell() {
        closeShell(false);
    }

    /** Closes the shell; with {@code containerGoing} without killing its processes (the container's removal does). */
    void closeShell(boolean containerGoing) {
        ShellSession s = shell;
        shell = null;
        if (s != null) {
            if (containerGoing) {
                s.abandon();
            } else {
                s.close();
            }
        }
    }
}
