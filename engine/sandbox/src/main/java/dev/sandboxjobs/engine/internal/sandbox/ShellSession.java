package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived {@code bash} exec fed commands on stdin. Each command ends with a unique marker
 * on stdout and stderr carrying its exit code, read from Docker's multiplexed stream frames as
 * they arrive ({@link ShellChannel}): no polling, no files. Not thread-safe: its {@link SessionState} serializes calls.
 */
final class ShellSession implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_GRACE = Duration.ofSeconds(3);

    private final Containers containers;
    private final String containerId;
    private final String execId;
    private final ShellChannel channel;
    private volatile PendingCommand pending;
    private volatile boolean dead;
    private volatile boolean killFailed;
    private final int shellPid;

    /** What a finished command left: exit code and the shell's directory after it. */
    record CommandEnd(int exitCode, String cwd, boolean shellExited) {}

    /**
     * What a finished argv program left: its exit code, whether a process it started still runs in
     * the shell's session or holds its output (then the shell must not be reused: that output would
     * mix into the next program's), and whether the shell itself exited.
     */
    record ArgvEnd(int exitCode, boolean leftBehind, boolean shellExited) {}

    ShellSession(Containers containers, String containerId, List<String> env, String cwd) {
        this.containers = containers;
        this.containerId = containerId;
        List<String> execEnv = new ArrayList<>(env);
        execEnv.add("__SJ_CWD=" + cwd);
        var create = containers.client().execCreateCmd(containerId);
        String user = containers.userOf(containerId);
        if (user != null) {
            create.withUser(user);
        }
        this.execId = create
                .withCmd("bash", "--noprofile", "--norc")
                .withEnv(execEnv)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withTty(false)
                .exec()
                .getId();
        String token = ShellWire.endToken();
        PendingCommand boot = new PendingCommand(token, new OutputSink(dev.sandboxjobs.engine.StreamType.STDOUT, OutputListener.NONE, 1 << 16),
                new OutputSink(dev.sandboxjobs.engine.StreamType.STDERR, OutputListener.NONE, 1 << 16));
        pending = boot;
        try {
            channel = ShellChannel.start(containers, execId, "sandbox-jobs-shell-" + containerId.substring(0,
                    Math.min(12, containerId.length())), new Receiver());
        } catch (RuntimeException e) {
            throw DockerErrors.error("The session shell failed to start", e);
        }
        try {
            channel.send((Scripts.SESSION_BOOT + "__sj_post " + token + " $$\n").getBytes(StandardCharsets.UTF_8));
            CommandEnd ready = boot.future.get(BOOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (ready.shellExited()) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The session shell exited at start: "
                        + boot.stderr.finish().trim() + ". Check that the image has bash.");
            }
            this.shellPid = ready.exitCode();
        } catch (TimeoutException e) {
            close();
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The session shell did not start within " + BOOT_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while starting a session", e);
        } catch (ExecutionException | UncheckedIOException e) {
            close();
            throw DockerErrors.error("The session shell failed to start", e instanceof ExecutionException ? e.getCause() : e);
        } finally {
            pending = null;
        }
    }

    boolean isAlive() {
        return !dead;
    }

    /**
     * Runs a command: {@code env} exported for it only, {@code cwd} (nullable) for it only.
     *
     * @throws SandboxException COMMAND_TIMEOUT after killing the command's tree
     */
    CommandEnd run(String command, Map<String, String> env, String cwd, OutputSink out, OutputSink err, Duration timeout) {
        String token = ShellWire.endToken();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String line = "__sj_pre " + env.size() + " " + (cwd == null ? 0 : 1)
                + " && eval \"$__sj_cmd\" </dev/null; __sj_post " + token + " $?\n";
        wire.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        env.forEach((k, v) -> ShellWire.record(wire, k + "=" + v));
        if (cwd != null) {
            ShellWire.record(wire, cwd);
        }
        ShellWire.record(wire, command);
        return send(token, wire.toByteArray(), out, err, timeout);
    }

    /**
     * Runs a program with exactly {@code argv} (read as NUL-terminated records, never parsed by the
     * shell) and collects its output; for the engine's own small operations.
     */
    ExecOutput call(List<String> argv, long maxBytes, Duration timeout) {
        String token = ShellWire.endToken();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("__sj_argv " + argv.size() + " && \"${__sj_args[@]}\" </dev/null; __sj_post " + token + " $?\n")
                .getBytes(StandardCharsets.UTF_8));
        argv.forEach(a -> ShellWire.record(wire, a));
        OutputSink out = new OutputSink(dev.sandboxjobs.engine.StreamType.STDOUT, OutputListener.NONE, maxBytes);
        OutputSink err = new OutputSink(dev.sandboxjobs.engine.StreamType.STDERR, OutputListener.NONE, 1 << 16);
        CommandEnd o = send(token, wire.toByteArray(), out, err, timeout);
        if (o.shellExited()) {
            throw new IllegalStateException("the engine's shell exited");
        }
        return new ExecOutput(o.exitCode(), out.bytes(), err.bytes());
    }

    /**
     * Runs a program with exactly {@code argv} in a subshell that exports {@code env}, changes to
     * {@code dir} and replaces itself with the program (argv, variables and directory are read as
     * NUL-terminated records, never parsed by the shell), so that the shell's own state never
     * changes.
     *
     * @throws SandboxException COMMAND_TIMEOUT after killing the program's tree
     */
    ArgvEnd runArgv(List<String> env, String dir, List<String> argv, OutputSink out, OutputSink err,
                    Duration timeout) {
        // the records are NUL-terminated and counted: a NUL inside one would leave bytes over for the
        // shell to read as commands (callers check their input; this is the last line of defence)
        if (dir.indexOf('\0') >= 0 || env.stream().anyMatch(kv -> kv.indexOf('\0') >= 0)
                || argv.stream().anyMatch(a -> a.indexOf('\0') >= 0)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A variable, the directory or an argument holds a NUL"
                    + " character, which none of them can hold; remove it.");
        }
        String token = ShellWire.endToken();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("__sj_xargv " + env.size() + " " + argv.size() + " && ( __sj_xrun ) </dev/null; __sj_xpost "
                + token + " $?\n").getBytes(StandardCharsets.UTF_8));
        env.forEach(kv -> ShellWire.record(wire, kv));
        ShellWire.record(wire, dir);
        argv.forEach(a -> ShellWire.record(wire, a));
        CommandEnd end = send(token, wire.toByteArray(), out, err, timeout);
        // __sj_xpost's trailer after the exit code: "held" or "free" (Scripts.SESSION_BOOT)
        return new ArgvEnd(end.exitCode(), !end.shellExited() && !"free".equals(end.cwd()), end.shellExited());
    }

    /** Writes the bytes a {@link #receive} streams, exactly as many as it announced. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * How a {@link #receive} ended: the program's output, and whether it was sent the content (a
     * program that ended without asking for it refused it, or could not start).
     */
    record Received(ExecOutput output, boolean sent) {}

    /**
     * Runs {@code argv} (read as records, as {@link #call}) with two more arguments, a readiness
     * token and a commit record: a function of the shell ({@link Scripts#RECV_FILE}) that prints
     * the token once it is ready to read exactly {@code size} bytes of the shell's stdin whatever
     * happens; only then are those bytes streamed to it, followed by the commit record
     * ({@link ShellStreaming}). Null, with nothing sent, when this shell's connection does not
     * stream ({@link ShellChannel#streams}).
     */
    Received receive(List<String> argv, long size, Content content, Duration stall) {
        return channel.streams() ? ShellStreaming.receive(this, argv, size, content, stall) : null;
    }

    // ----- for ShellStreaming: the shell's connection and its one pending command

    ShellChannel channel() {
        return channel;
    }

    void await(PendingCommand p) {
        pending = p;
    }

    void awaitNothing() {
        pending = null;
    }

    void markDead() {
        dead = true;
    }

    /** Exports variables in the shell for the following commands. */
    void setEnv(Map<String, String> env) {
        env.forEach((k, v) -> {
            // the records are NUL-separated: a NUL inside one would let the rest be read as commands
            if (k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The variable or secret " + k.replace('\0', '?')
                        + " holds a NUL character, which an environment variable cannot hold; remove it.");
            }
        });
        String token = ShellWire.endToken();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("__sj_setenv " + env.size() + "; __sj_post " + token + " $?\n").getBytes(StandardCharsets.UTF_8));
        env.forEach((k, v) -> ShellWire.record(wire, k + "=" + v));
        OutputSink none = new OutputSink(dev.sandboxjobs.engine.StreamType.STDOUT, OutputListener.NONE, 4096);
        send(token, wire.toByteArray(), none, none, Duration.ofSeconds(30));
    }

    private CommandEnd send(String token, byte[] wire, OutputSink out, OutputSink err, Duration timeout) {
        if (dead) {
            throw new IllegalStateException("session shell is dead");
        }
        PendingCommand p = new PendingCommand(token, out, err);
        pending = p;
        try {
            try {
                channel.send(wire);
            } catch (UncheckedIOException e) {
                dead = true;
                throw DockerErrors.error("The session's stream failed", e);
            }
            try {
                return timeout == null ? p.future.get() : p.future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!killCommand(false)) {
                    // no exec could start (a fork bomb at the process limit): the container must restart
                    killFailed = true;
                    dead = true;
                } else {
                    try {
                        p.future.get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException stillBusy) {
                        // the shell itself is busy (a loop in the shell): kill it; the session is recreated
                        killCommand(true);
                        dead = true;
                    }
                }
                throw new SandboxException(ErrorCode.COMMAND_TIMEOUT, "The command did not finish within "
                        + timeout + "; its process tree was killed and the session is usable. "
                        + "Raise ExecOptions.timeout or run it with startProcess.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killChildren(false);
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while waiting for a command; it was killed", e);
        } catch (ExecutionException e) {
            throw DockerErrors.error("The session's stream failed", e.getCause());
        } finally {
            pending = null;
        }
    }

    /**
     * Kills what the shell started (and the shell itself with {@code self}), from a separate exec;
     * returns whether that exec ran.
     */
    boolean killChildren(boolean self) {
        return kill(self, false);
    }

    /**
     * Kills what the running command started, including what it left orphaned in the shell's
     * session (re-parented to init, such as a fork bomb's remnants), for a timeout or a consumer
     * that went away; {@link #killChildren} (closing a session) leaves such detached processes alone.
     */
    boolean killCommand(boolean self) {
        return kill(self, true);
    }

    private boolean kill(boolean self, boolean orphans) {
        try {
            return containers.exec(containerId, List.of("bash", "-c", Scripts.KILL_TREE, "sj-kill",
                    Integer.toString(shellPid), "KILL", self ? "1" : "0", orphans ? "1" : "0"), List.of(), null, 4096)
                    .exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }


    /**
     * Stops the running command for a consumer that went away: kills its tree, and when the command
     * has not ended within the grace period (its child was forked only after the first kill looked,
     * or the shell itself is busy), kills again and then the shell, which is recreated on next use.
     */
    void interrupt() {
        PendingCommand p = pending;
        killCommand(false);
        if (p == null) {
            return;
        }
        try {
            for (int round = 0; round < 2; round++) {
                try {
                    p.future.get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException stillBusy) {
                    killCommand(round == 1);
                }
            }
            dead = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the stream failed: the command is not running any more
        }
    }

    /** Whether killing a timed-out command failed, so that only a container restart can stop it. */
    boolean killFailed() {
        return killFailed;
    }

    @Override
    public void close() {
        if (!dead) {
            dead = true;
            if (shellPid > 0) {
                killChildren(true);
            }
        }
        channel.close();
    }

    /**
     * Lets go of the shell without killing what it runs: for a container about to be removed,
     * which ends every process in it anyway. Safe twice.
     */
    void abandon() {
        dead = true;
        channel.close();
    }

    /**
     * The shell's exit code once its output ended (-1 when Docker does not know it). Docker not
     * answering means that the daemon went away (a hijacked connection ends cleanly when the daemon
     * stops): that is thrown, as the connection failing, not taken for the shell's exit.
     */
    private int exitCodeOfShell() {
        // the stream can close a moment before Docker records the exit code
        for (int i = 0; i < 40; i++) {
            try {
                var inspect = containers.client().inspectExecCmd(execId).exec();
                if (!Boolean.TRUE.equals(inspect.isRunning()) && inspect.getExitCodeLong() != null) {
                    return inspect.getExitCodeLong().intValue();
                }
            } catch (RuntimeException e) {
                if (DockerErrors.isTransportFailure(e)) {
                    throw e;
                }
                return -1;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    private final class Receiver implements ShellChannel.Receiver {
        @Override
        public void output(boolean stderr, byte[] data) {
            PendingCommand p = pending;
            if (p != null) {
                p.feed(stderr, data);
            }
        }

        @Override
        public void failed(Throwable cause) {
            dead = true;
            PendingCommand p = pending;
            if (p != null) {
                p.future.completeExceptionally(cause);
            }
        }

        @Override
        public void ended() {
            dead = true;
            PendingCommand p = pending;
            if (p != null) {
                int code;
                try {
                    code = exitCodeOfShell();
                } catch (RuntimeException daemonGone) {
                    failed(daemonGone);
                    return;
                }
                p.ended(code);
            }
        }
    }
}
