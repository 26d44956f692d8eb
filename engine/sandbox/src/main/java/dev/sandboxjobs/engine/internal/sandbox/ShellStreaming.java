package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import dev.sandboxjobs.engine.internal.docker.ExecSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Content streamed to a shell's stdin ({@link ShellSession#receive}), for a function of the shell
 * ({@link Scripts#RECV_FILE}) that prints a one-time token once it is ready to read exactly the
 * announced number of bytes whatever happens. Only then are those bytes sent, as the content
 * writes them; then the function's output is collected. The bytes must never reach the shell as
 * commands: when the content fails, or nothing moves for the stall limit, the function cannot have
 * had all of its bytes, so the shell is killed (it is then dead) and the failure thrown; and a
 * function whose reader ended early, or whose input ended before the commit record that follows
 * the bytes, exits the shell itself without renaming the file, which is told as such.
 */
final class ShellStreaming {
    private ShellStreaming() {}

    /** Streams {@code content} ({@code size} bytes) to {@code argv} in {@code shell}, whose connection streams. */
    static ShellSession.Received receive(ShellSession shell, List<String> argv, long size, ShellSession.Content content,
                                         Duration stall) {
        ShellChannel channel = shell.channel();
        String token = ShellWire.endToken();
        String go = ShellWire.goToken();
        String commit = ShellWire.commitToken();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(("__sj_argv " + (argv.size() + 2) + " && \"${__sj_args[@]}\"; __sj_post " + token + " $?\n")
                .getBytes(StandardCharsets.UTF_8));
        argv.forEach(a -> ShellWire.record(wire, a));
        ShellWire.record(wire, go);
        ShellWire.record(wire, commit);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        OutputSink out = new OutputSink(dev.sandboxjobs.engine.StreamType.STDOUT, (stream, text) -> {
            seen.append(text);
            if (seen.indexOf(go) >= 0) {
                ready.complete(null);
            }
        }, 1 << 16);
        OutputSink err = new OutputSink(dev.sandboxjobs.engine.StreamType.STDERR, OutputListener.NONE, 1 << 16);
        PendingCommand p = new PendingCommand(token, out, err);
        shell.await(p);
        long stallNanos = stall.toNanos();
        AtomicLong lastMoved = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledFuture<?> watchdog = ExecSockets.WATCHDOG.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - lastMoved.get() > stallNanos && !stalled.getAndSet(true)) {
                channel.close(); // a write blocked on the shell, or an answer that is not coming: both fail now
            }
        }, 1, 1, TimeUnit.SECONDS);
        AtomicBoolean cut = new AtomicBoolean();
        boolean sending = false;
        try {
            channel.send(wire.toByteArray());
            CompletableFuture.anyOf(ready, p.future).get();
            if (!ready.isDone()) {
                // refused, or could not fork (bash then gives up and exits: -1, this shell is dead)
                ShellSession.CommandEnd end = p.future.get();
                return new ShellSession.Received(new ExecOutput(end.shellExited() ? -1 : end.exitCode(), out.bytes(), err.bytes()), false);
            }
            sending = true;
            lastMoved.set(System.nanoTime());
            OutputStream toShell = new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    try {
                        channel.send(b, off, len);
                    } catch (RuntimeException e) {
                        cut.set(true);
                        throw e;
                    }
                    lastMoved.set(System.nanoTime());
                }
            };
            content.writeTo(toShell);
            ByteArrayOutputStream commitRecord = new ByteArrayOutputStream();
            ShellWire.record(commitRecord, commit); // all of the bytes went: the file may replace the old one
            toShell.write(commitRecord.toByteArray());
            ShellSession.CommandEnd end = p.future.get();
            if (end.shellExited()) {
                throw writeEnded(end, null);
            }
            return new ShellSession.Received(new ExecOutput(end.exitCode(), new byte[0], err.bytes()), true);
        } catch (IOException | RuntimeException | ExecutionException e) {
            shell.markDead();
            ShellSession.CommandEnd exited = cut.get() && !stalled.get() ? shellExited(p) : null;
            if (exited != null) {
                throw writeEnded(exited, e); // the bytes that followed had no reader left
            }
            if (sending) {
                shell.killCommand(true); // what reads stdin waits for bytes that will not come
            }
            if (stalled.get()) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Nothing moved for " + stall + " while streaming "
                        + size + " bytes to the sandbox (a process in it stopped the writer?); nothing was written.", e);
            }
            if (e instanceof ExecutionException) {
                throw DockerErrors.error("The session's stream failed", e.getCause());
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shell.markDead();
            shell.killCommand(true);
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while streaming to the sandbox", e);
        } finally {
            watchdog.cancel(false);
            shell.awaitNothing();
        }
    }

    /** How {@code p} ended if the shell exited (not the connection failing) within a moment, else null. */
    private static ShellSession.CommandEnd shellExited(PendingCommand p) {
        try {
            ShellSession.CommandEnd end = p.future.get(2, TimeUnit.SECONDS);
            return end.shellExited() ? end : null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The shell exited during a write: 21 is {@link Scripts#RECV_FILE} refusing to rename a file it may not have had whole. */
    private static SandboxException writeEnded(ShellSession.CommandEnd end, Throwable cause) {
        if (end.exitCode() == 21) {
            return new SandboxException(ErrorCode.SANDBOX_ERROR, "The write ended before all of its bytes were taken: a"
                    + " process in the sandbox killed or removed its reader (head). Nothing was written; write again.",
                    cause);
        }
        return new SandboxException(ErrorCode.SANDBOX_ERROR, "The engine's shell in the sandbox ended during the write"
                + " (exit " + end.exitCode() + "; killed by a process in the sandbox?), so the file may not have been"
                + " written; write it again.", cause);
    }
}
