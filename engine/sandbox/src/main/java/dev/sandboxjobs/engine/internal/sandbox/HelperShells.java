package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The sandbox's long-lived helper shells, next to its sessions' shells: they start the programs of
 * {@code exec(argv)} and the engine's own programs ({@link InternalShell}), each in about a
 * millisecond where its own Docker exec takes tens. An argv call runs in a subshell that exports the
 * call's variables, changes to its directory and replaces itself with the program
 * ({@link ShellSession#runArgv}), so these shells never take on state, and none is shared by two
 * calls at once: calls in parallel take different shells. A shell whose program left a process
 * behind in its session or on its output is let go rather than reused (the process keeps running,
 * as after a Docker exec), and so is one whose call timed out or failed.
 */
final class HelperShells {
    /**
     * Idle shells kept per sandbox: one, as many as the engine's own shell used to be (each holds an
     * attached Docker stream and two docker-java threads: four idle ones added 12 threads to the soak
     * test's two sandboxes). More calls at once start more, let go when they return.
     */
    static final int MAX_IDLE = 1;

    private final SandboxRuntime sandbox;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private long generation;

    private record Idle(ShellSession shell, String containerId, long generation) {}

    HelperShells(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    /** Runs {@code argv}; the caller has validated it, and wraps this in {@link SandboxRuntime#call}. */
    ExecResult run(List<String> argv, List<String> env, String dir, ExecOptions options, long maxBytes) {
        Idle held = acquire(sandbox.containerId());
        ShellSession shell = held.shell();
        OutputSink out = new OutputSink(StreamType.STDOUT, options.onOutput(), maxBytes);
        OutputSink err = new OutputSink(StreamType.STDERR, options.onOutput(), maxBytes);
        long start = System.nanoTime();
        ShellSession.ArgvEnd end;
        boolean reusable = false;
        try {
            end = shell.runArgv(env, dir, argv, out, err, options.timeout());
            reusable = !end.shellExited() && !end.leftBehind();
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.COMMAND_TIMEOUT) {
                if (shell.killFailed()) {
                    sandbox.restartContainer();
                }
                throw new SandboxException(ErrorCode.COMMAND_TIMEOUT, "The program " + argv.get(0)
                        + " did not finish within " + options.timeout() + "; it and every process it started were"
                        + " killed. Raise ExecOptions.timeout or run it with startProcess.", e);
            }
            throw e;
        } finally {
            // a process left behind keeps running, as after a Docker exec; its shell only lets go
            release(held, reusable);
        }
        if (end.shellExited()) {
            boolean signalled = end.exitCode() < 0 || end.exitCode() >= 128;
            if (signalled && sandbox.stoppedAt(Duration.ofSeconds(2)) != null || sandbox.containerStopped()) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The container of sandbox " + sandbox.id
                        + " stopped while " + argv.get(0) + " ran (killed from outside?). Run it again.");
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        int exit = end.exitCode();
        String stderr = err.finish();
        if (exit == 137 && sandbox.oomKilledSinceLastCheck()) {
            stderr += ExecResult.OOM_KILLED_NOTE;
        }
        return new ExecResult(exit == 0, exit, out.finish(), stderr, display(argv), took,
                out.truncated(), err.truncated());
    }

    /**
     * Runs one of the engine's own programs (argv, never a shell string) in {@code containerId} and
     * collects its output ({@link ShellSession#call}).
     */
    ExecOutput call(String containerId, List<String> argv, long maxBytes, Duration timeout) {
        Idle held = acquire(containerId);
        boolean reusable = false;
        try {
            ExecOutput out = held.shell().call(argv, maxBytes, timeout);
            reusable = true;
            return out;
        } finally {
            release(held, reusable);
        }
    }

    /** The argv for display: arguments with spaces or quotes are single-quoted. */
    static String display(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(a.isEmpty() || !a.matches("[A-Za-z0-9_./=:,+@%-]+") ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        return b.toString();
    }

    /** Lets every idle shell go (they run nothing); shells in use are let go when their call returns. */
    void close() {
        List<Idle> closing;
        synchronized (this) {
            generation++;
            closing = List.copyOf(idle);
            idle.clear();
        }
        closing.forEach(i -> i.shell().abandon());
    }

    private synchronized long currentGeneration() {
        return generation;
    }

    /** An idle shell of {@code containerId}, or a new one (its generation read first: a close meanwhile retires it). */
    private Idle acquire(String containerId) {
        Idle taken = take(containerId);
        if (taken != null) {
            return taken;
        }
        long gen = currentGeneration();
        return new Idle(new ShellSession(sandbox.containers, containerId, List.of(), "/"), containerId, gen);
    }

    private void release(Idle held, boolean reusable) {
        if (reusable) {
            giveBack(held);
        } else {
            held.shell().abandon();
        }
    }

    private Idle take(String containerId) {
        while (true) {
            Idle i;
            synchronized (this) {
                i = idle.pollFirst();
            }
            if (i == null) {
                return null;
            }
            if (i.shell().isAlive() && i.containerId().equals(containerId) && i.generation() == currentGeneration()) {
                return i;
            }
            i.shell().abandon();
        }
    }

    private void giveBack(Idle i) {
        synchronized (this) {
            if (i.generation() == generation && idle.size() < MAX_IDLE && i.shell().isAlive()) {
                idle.addFirst(i);
                return;
            }
        }
        i.shell().abandon();
    }
}
