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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The sandbox's long-lived helper shells, next to its sessions' shells: they start the programs of
 * {@code exec(argv)} and the engine's own programs ({@link InternalShell}), each in about a
 * millisecond where its own Docker exec takes tens. An argv call runs in a subshell that exports the
 * call's variables, changes to its directory and replaces itself with the program
 * ({@link ShellSession#runArgv}), so these shells never take on state, and none is shared by two
 * calls at once: a call finding every shell held waits {@link #GRACE_NANOS} for one to come back
 * before booting another (calls of short programs in parallel then take turns on one shell, as a
 * boot costs more than they do; longer ones get shells of their own). A shell whose program left a process
 * behind in its session or on its output is let go rather than reused (the process keeps running,
 * as after a Docker exec), and so is one whose call timed out or failed. The first shell is the
 * default session's pre-booted one when the session has not used it yet (a sandbox driven only by
 * argv calls and file operations then boots one shell, not two).
 */
final class HelperShells {
    /**
     * Idle shells kept per sandbox: one, as many as the engine's own shell used to be (each holds a
     * Docker exec connection and a thread reading it, two with docker-java's attach: four idle ones
     * added 12 threads to the soak test's two sandboxes when all were on docker-java's). More calls
     * at once start more, let go when they return.
     */
    static final int MAX_IDLE = 1;

    private final SandboxRuntime sandbox;
    /**
     * How long a call waits for a shell another call holds before booting one more: a shell's boot
     * is a Docker exec (~0.1 s, and the daemon's time on a busy machine), most programs the engine
     * and the pipeline run at once (version probes, file operations) end sooner.
     */
    static final long GRACE_NANOS = 25_000_000L;

    private final Deque<Idle> idle = new ArrayDeque<>();
    private long generation;
    private int inUse;

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

    /**
     * Streams {@code size} bytes to the program {@code argv} through a helper shell's stdin
     * ({@link ShellSession#receive}); null, with nothing sent, when the shell cannot take them.
     */
    ShellSession.Received receive(String containerId, List<String> argv, long size, ShellSession.Content content,
                                  Duration stall) {
        Idle held = acquire(containerId);
        boolean reusable = false;
        try {
            ShellSession.Received out = held.shell().receive(argv, size, content, stall);
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

    /**
     * An idle shell of {@code containerId}; else the default session's unused pre-booted one; else,
     * while other calls hold shells, the first of them to come back within {@link #GRACE_NANOS} (a
     * short program's call is over sooner than a shell boots); else a new one, booted while the held
     * ones may still come back first (then the new one is kept idle or let go). Its generation is read
     * before the boot: a close meanwhile retires it.
     */
    private Idle acquire(String containerId) {
        Idle taken = take(containerId);
        if (taken == null) {
            taken = stealSessionShell(containerId);
        }
        if (taken == null) {
            taken = waitForReturn(containerId, System.nanoTime() + GRACE_NANOS);
        }
        if (taken == null) {
            taken = bootRacingReturns(containerId);
        }
        synchronized (this) {
            inUse++;
        }
        return taken;
    }

    private Idle stealSessionShell(String containerId) {
        long gen = currentGeneration();
        ShellSession unused = sandbox.takeUnusedSessionShell(containerId);
        if (unused != null) {
            try {
                unused.call(List.of("cd", "/"), 4096, Duration.ofSeconds(10)); // a helper shell's directory
                return new Idle(unused, containerId, gen);
            } catch (RuntimeException e) {
                unused.abandon();
            }
        }
        return null;
    }

    /** A shell given back before {@code deadline} (System.nanoTime), if shells are held; else null. */
    private Idle waitForReturn(String containerId, long deadline) {
        synchronized (this) {
            while (inUse > 0 && idle.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    wait(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return take(containerId);
    }

    private Idle bootRacingReturns(String containerId) {
        long gen = currentGeneration();
        boolean held;
        synchronized (this) {
            held = inUse > 0;
        }
        if (!held) {
            return newShell(containerId, gen);
        }
        CompletableFuture<Idle> boot = new CompletableFuture<>();
        try {
            sandbox.services.background().execute(() -> {
                try {
                    boot.complete(newShell(containerId, gen));
                } catch (Throwable e) {
                    boot.completeExceptionally(e);
                } finally {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            return newShell(containerId, gen);
        }
        while (true) {
            synchronized (this) {
                while (idle.isEmpty() && !boot.isDone()) {
                    try {
                        wait(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            if (!boot.isDone()) {
                Idle back = take(containerId);
                if (back != null) {
                    boot.thenAccept(this::giveBack); // kept idle for the next call, or let go
                    return back;
                }
                if (Thread.currentThread().isInterrupted()) {
                    boot.thenAccept(this::giveBack);
                    throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while waiting for a helper shell");
                }
                continue;
            }
            try {
                return boot.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    /** A new helper shell in {@code containerId}, at {@code /}, of generation {@code gen}. */
    private Idle newShell(String containerId, long gen) {
        return new Idle(new ShellSession(sandbox.containers, containerId, List.of(), "/"), containerId, gen);
    }

    private void release(Idle held, boolean reusable) {
        synchronized (this) {
            inUse--;
            notifyAll();
        }
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
                notifyAll();
                return;
            }
        }
        i.shell().abandon();
    }
}
