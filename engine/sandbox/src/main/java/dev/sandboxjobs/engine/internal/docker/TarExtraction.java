package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.Containers.TarBody;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Extracts a tar archive into a directory of a container as a given user: a {@code tar -x} exec
 * started over a hijacked connection ({@link ExecSockets}) reads the archive on its stdin. Unlike
 * Docker's archive endpoint, which extracts as root into a path it resolves itself, the files can
 * only land where that user may write, whatever code in the container does to the path meanwhile.
 */
public final class TarExtraction {
    /** The exit codes of an exec whose program Docker could not find or start. */
    private static final int NOT_EXECUTABLE = 126;
    private static final int NOT_FOUND = 127;
    private static final int OUTPUT_KEPT = 8 << 10;
    private static final long EXIT_WAIT_MS = 5_000;
    /** How long an extraction may go without a byte moving either way before it is given up. */
    static final long STALL_MS = 60_000;

    private final DockerClient docker;
    private final ExecSockets sockets;
    private final long stallMs;

    private TarExtraction(DockerClient docker, ExecSockets sockets, long stallMs) {
        this.docker = docker;
        this.sockets = sockets;
        this.stallMs = stallMs;
    }

    /**
     * For a Docker host whose exec connections can deliver EOF on stdin; null otherwise (no
     * hijack possible, or TLS, where ending stdin takes closing the whole connection).
     */
    public static TarExtraction over(DockerClient docker, ExecSockets sockets) {
        return over(docker, sockets, STALL_MS);
    }

    static TarExtraction over(DockerClient docker, ExecSockets sockets, long stallMs) {
        return sockets == null || !sockets.canEndStdin() ? null : new TarExtraction(docker, sockets, stallMs);
    }

    /**
     * How an extraction ended.
     *
     * @param exitCode the exec's exit code
     * @param output   the start of what it wrote (tar's complaints, or Docker's reason for not
     *                 starting it), trimmed
     */
    public record Outcome(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /**
         * Whether Docker may not have started {@code tar} at all (126, 127: no such program, or
         * the exec could not start, for instance at the container's process limit).
         */
        public boolean maybeNotStarted() {
            return exitCode == NOT_FOUND || exitCode == NOT_EXECUTABLE;
        }
    }

    /**
     * Writes the archive {@code body} produces onto the stdin of {@code tar -x} run as {@code user}
     * in {@code directory}, which must exist. A failure of {@code body} itself (reading the host's
     * files) is rethrown as an {@link UncheckedIOException}, after the exec was told the archive
     * ended; a tar that stops reading early is reported through the {@link Outcome}, not as a
     * failure to write. Docker's refusals (no such container, not running) are docker-java's
     * exceptions; a broken connection to Docker, an exit Docker does not report, or an
     * extraction during which nothing moved for {@link #STALL_MS} (a {@code tar} stopped by code
     * in the container) an {@link UncheckedIOException}.
     */
    public Outcome extract(String containerId, String user, String directory, TarBody body) {
        var create = docker.execCreateCmd(containerId);
        if (user != null) {
            create.withUser(user);
        }
        // -p: the archive's modes, not the umask
        String execId = create.withCmd("tar", "-x", "-p", "-f", "-", "-C", directory).withWorkingDir("/")
                .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true).withTty(false)
                .exec().getId();
        ExecSockets.Hijacked exec;
        try {
            exec = sockets.start(execId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Progress progress = new Progress();
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledFuture<?> watchdog = ExecSockets.WATCHDOG.scheduleWithFixedDelay(() -> {
            if (progress.idleMs() > stallMs && stalled.compareAndSet(false, true)) {
                exec.close();
            }
        }, Math.min(stallMs, 1_000), Math.min(stallMs, 1_000), TimeUnit.MILLISECONDS);
        try (exec) {
            Output output = new Output(exec, progress);
            Thread reader = new Thread(output, "sandbox-jobs-tar-output");
            reader.setDaemon(true);
            reader.start();
            // whole blocks onto the connection, not the tar's 512-byte records one by one
            BufferedOutputStream buffered = new BufferedOutputStream(
                    new SocketArchives.SocketOut(exec.stdin(), progress::moved), 1 << 16);
            try {
                body.writeTo(buffered);
            } catch (IOException e) {
                if (!SocketArchives.causedBy(e, SocketArchives.SocketWriteFailed.class)) {
                    // the host's side failed: the archive is cut short, the exec is told so
                    exec.close();
                    throw new UncheckedIOException(e);
                }
            }
            try {
                buffered.flush();
                exec.closeStdin();
            } catch (IOException e) {
                // the exec stopped reading (tar failed, or exited, or never started): its exit code says why
            }
            join(reader);
            if (stalled.get()) {
                throw new UncheckedIOException(new IOException("the extraction in the sandbox made no progress for "
                        + stallMs / 1000 + " s (its tar stopped or hung) and was given up"));
            }
            // an exec that failed or ended early can reset the connection: its exit code comes first
            Integer exit = exitCode(execId);
            if (exit == null) {
                throw new UncheckedIOException(output.failure != null ? output.failure
                        : new IOException("Docker did not report how the extraction's tar exited"));
            }
            return new Outcome(exit, output.text());
        } finally {
            watchdog.cancel(false);
        }
    }

    /** The exec's exit code, or null when Docker does not report one in time. */
    private Integer exitCode(String execId) {
        // the output ends as the process does; Docker records its exit a moment later
        long deadline = System.nanoTime() + EXIT_WAIT_MS * 1_000_000;
        long pause = 1;
        while (true) {
            var inspect = docker.inspectExecCmd(execId).exec();
            Long exit = inspect.getExitCodeLong();
            if (exit != null && !Boolean.TRUE.equals(inspect.isRunning())) {
                return exit.intValue();
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            pause = Math.min(pause * 2, 50);
        }
    }

    private static void join(Thread reader) {
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while a tar extraction ran", e));
        }
    }

    /** When a byte last moved either way. */
    private static final class Progress {
        private volatile long last = System.nanoTime();

        void moved() {
            last = System.nanoTime();
        }

        long idleMs() {
            return (System.nanoTime() - last) / 1_000_000;
        }
    }

    /**
     * Drains the exec's output on its own thread (tar blocks when its stderr fills), keeping the
     * start of it: tar's complaints on stderr, Docker's reason for not starting it on stdout.
     */
    private static final class Output implements Runnable {
        private final ExecSockets.Hijacked exec;
        private final Progress progress;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        volatile IOException failure;

        Output(ExecSockets.Hijacked exec, Progress progress) {
            this.exec = exec;
            this.progress = progress;
        }

        /** What was kept; read after the thread ended. */
        String text() {
            return kept.toString(StandardCharsets.UTF_8).trim();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                long frame;
                while ((frame = exec.readFrame()) >= 0) {
                    long left = frame & 0xffffffffL;
                    while (left > 0) {
                        int n = exec.payload(buffer, 0, (int) Math.min(left, buffer.length));
                        if (n < 0) {
                            return;
                        }
                        left -= n;
                        progress.moved();
                        kept.write(buffer, 0, Math.max(0, Math.min(n, OUTPUT_KEPT - kept.size())));
                    }
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                // the output ends with the exec: a writer still blocked on stdin (a tar that
                // exited early, or never started, leaves Docker holding it unread) is let go
                exec.close();
            }
        }
    }
}
