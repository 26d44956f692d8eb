package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code exec(argv)}: one Docker exec of a fixed wrapper script with the program's argv as its
 * positional arguments, so nothing of the argv is ever parsed by a shell. The wrapper records its
 * pid; a timeout kills the wrapper's whole process tree from a second exec.
 */
final class ArgvExec {
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    private static final Duration GRACE_AFTER_EXIT = Duration.ofMillis(500);

    private ArgvExec() {}

    static ExecResult run(SandboxRuntime sandbox, List<String> argv, List<String> env, String dir, ExecOptions options,
                          long maxBytes) {
        String pidFile = Scripts.EXEC_DIR + "/" + HexFormat.of().formatHex(SandboxRuntime.randomBytes(12));
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", Scripts.ARGV_EXEC, "sj-exec", pidFile, dir));
        cmd.addAll(argv);
        OutputSink out = new OutputSink(dev.sandboxjobs.engine.StreamType.STDOUT, options.onOutput(), maxBytes);
        OutputSink err = new OutputSink(dev.sandboxjobs.engine.StreamType.STDERR, options.onOutput(), maxBytes);
        long start = System.nanoTime();
        var docker = sandbox.containers.client();
        String containerId = sandbox.containerId();
        var create = docker.execCreateCmd(containerId);
        String user = sandbox.containers.userOf(containerId);
        if (user != null) {
            create.withUser(user);
        }
        String execId = create
                .withCmd(cmd.toArray(String[]::new))
                .withEnv(env)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        Callback callback = new Callback(out, err);
        docker.execStartCmd(execId).exec(callback);
        try {
            awaitEnd(sandbox, execId, callback, options.timeout() == null ? Long.MAX_VALUE
                    : start + options.timeout().toNanos());
        } catch (TimeoutException e) {
            kill(sandbox, pidFile);
            try {
                callback.done.get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | InterruptedException ignored) {
                if (ignored instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            close(callback);
            throw new SandboxException(ErrorCode.COMMAND_TIMEOUT, "The program " + argv.get(0) + " did not finish within "
                    + options.timeout() + "; it and every process it started were killed. Raise ExecOptions.timeout"
                    + " or run it with startProcess.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(sandbox, pidFile);
            close(callback);
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while waiting for " + argv.get(0)
                    + "; it was killed", e);
        } catch (ExecutionException e) {
            close(callback);
            throw DockerErrors.error("Exec in the sandbox failed", e.getCause());
        }
        Integer exit = exitCode(sandbox, execId);
        boolean signalled = exit == null || exit < 0 || exit >= 128;
        if (exit == null || signalled && sandbox.stoppedAt(Duration.ofSeconds(2)) != null) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The container of sandbox " + sandbox.id
                    + " stopped while " + argv.get(0) + " ran (killed from outside?). Run it again.");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String stderr = err.finish();
        if (exit == 137 && sandbox.oomKilledSinceLastCheck()) {
            stderr += ExecResult.OOM_KILLED_NOTE;
        }
        return new ExecResult(exit == 0, exit, out.finish(), stderr, display(argv), took,
                out.truncated(), err.truncated());
    }

    /**
     * Waits for the output stream to end. A background process the program left running can hold
     * the stream open after the program exited: once Docker reports the exec ended, the stream
     * gets a short grace and is then closed.
     */
    private static void awaitEnd(SandboxRuntime sandbox, String execId, Callback callback, long deadlineNanos)
            throws TimeoutException, InterruptedException, ExecutionException {
        long slice = TimeUnit.MILLISECONDS.toNanos(250);
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            try {
                callback.done.get(Math.min(left, slice), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() >= deadlineNanos) {
                    throw e;
                }
            }
            boolean ended;
            try {
                var inspect = sandbox.containers.client().inspectExecCmd(execId).exec();
                // an exec whose start is still on its way (a busy connection pool) is not running
                // either, but has no exit code yet: only an exit code means it ended
                ended = Boolean.FALSE.equals(inspect.isRunning()) && inspect.getExitCodeLong() != null;
            } catch (RuntimeException e) {
                ended = false;
            }
            if (ended) {
                try {
                    callback.done.get(GRACE_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillOpen) {
                    close(callback);
                }
                return;
            }
        }
    }

    /** Kills the wrapper recorded in {@code pidFile} and everything below it. */
    private static void kill(SandboxRuntime sandbox, String pidFile) {
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                ExecOutput pid = sandbox.containers.exec(sandbox.containerId(), List.of("cat", pidFile), List.of(), null, 64);
                String text = new String(pid.stdout(), StandardCharsets.UTF_8).strip();
                if (pid.exitCode() == 0 && text.matches("[0-9]+")) {
                    sandbox.containers.exec(sandbox.containerId(), List.of("bash", "-c", Scripts.KILL_TREE, "sj-kill",
                            text, "KILL", "1", "1"), List.of(), null, 4096);
                    sandbox.containers.exec(sandbox.containerId(), List.of("rm", "-f", "--", pidFile), List.of(), null, 64);
                    return;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the container is gone or stopped: nothing is left to kill
        }
    }

    private static Integer exitCode(SandboxRuntime sandbox, String execId) {
        // the stream can close a moment before Docker records the exit code
        for (int i = 0; i < 80; i++) {
            try {
                var inspect = sandbox.containers.client().inspectExecCmd(execId).exec();
                if (!Boolean.TRUE.equals(inspect.isRunning()) && inspect.getExitCodeLong() != null) {
                    return inspect.getExitCodeLong().intValue();
                }
            } catch (RuntimeException e) {
                return null;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return sandbox.containerStopped() ? null : -1;
    }

    private static void close(Callback callback) {
        try {
            callback.close();
        } catch (Exception ignored) {
            // already closed
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

    private static final class Callback extends ResultCallback.Adapter<Frame> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final OutputSink out;
        private final OutputSink err;

        Callback(OutputSink out, OutputSink err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onNext(Frame frame) {
            byte[] p = frame.getPayload();
            if (frame.getStreamType() == StreamType.STDERR) {
                err.write(p, 0, p.length);
            } else {
                out.write(p, 0, p.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
            super.onError(throwable);
        }

        @Override
        public void onComplete() {
            done.complete(null);
            super.onComplete();
        }
    }
}
