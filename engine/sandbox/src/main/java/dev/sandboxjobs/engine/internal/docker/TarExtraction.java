package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.Containers.TarBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Extracts a tar archive into a directory of a container as a given user: a {@code tar -x} exec
 * started over a hijacked connection ({@link ExecSockets}) reads the archive on its stdin. Unlike
 * Docker's archive endpoint, which extracts as root into a path it resolves itself, the files can
 * only land where that user may write, whatever code in the container does to the path meanwhile.
 * It is also faster here than the archive endpoint for trees of small files.
 */
public final class TarExtraction {
    /** The extraction's argv after the directory ({@code -p}: the archive's modes, not the umask). */
    static final List<String> ARGV = List.of("tar", "-x", "-p", "-f", "-", "-C");
    /** The exit codes of an exec whose program could not be found or run. */
    private static final int NOT_EXECUTABLE = 126;
    private static final int NOT_FOUND = 127;
    private static final int STDERR_KEPT = 8 << 10;
    private static final long EXIT_WAIT_MS = 5_000;

    private final DockerClient docker;
    private final ExecSockets sockets;

    private TarExtraction(DockerClient docker, ExecSockets sockets) {
        this.docker = docker;
        this.sockets = sockets;
    }

    /**
     * For a Docker host whose exec connections can deliver EOF on stdin; null otherwise (no
     * hijack possible, or TLS, where ending stdin takes closing the whole connection).
     */
    public static TarExtraction over(DockerClient docker, ExecSockets sockets) {
        return sockets == null || !sockets.canEndStdin() ? null : new TarExtraction(docker, sockets);
    }

    /**
     * How an extraction ended.
     *
     * @param started whether {@code tar} ran at all: false when the container has no {@code tar}
     *                (nothing was extracted; the caller may use the archive endpoint instead)
     */
    public record Outcome(boolean started, int exitCode, String stderr) {
        public boolean succeeded() {
            return started && exitCode == 0;
        }
    }

    /**
     * Writes the archive {@code body} produces onto the stdin of {@code tar -x} run as {@code user}
     * in {@code directory}, which must exist. A failure of {@code body} itself (reading the host's
     * files) is rethrown as an {@link UncheckedIOException}, after the exec was told the archive
     * ended; a tar that stops reading early is reported through the {@link Outcome}, not as a
     * failure to write. Docker's refusals (no such container, not running) are docker-java's
     * exceptions; a broken connection to Docker an {@link UncheckedIOException}.
     */
    public Outcome extract(String containerId, String user, String directory, TarBody body) {
        var create = docker.execCreateCmd(containerId);
        if (user != null) {
            create.withUser(user);
        }
        String execId = create.withCmd(argv(directory).toArray(String[]::new))
                .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true).withTty(false)
                .exec().getId();
        ExecSockets.Hijacked exec;
        try {
            exec = sockets.start(execId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (exec) {
            Output output = new Output(exec);
            Thread reader = new Thread(output, "sandbox-jobs-tar-output");
            reader.setDaemon(true);
            reader.start();
            Stdin stdin = new Stdin(exec.stdin());
            // whole blocks onto the connection, not the tar's 512-byte records one by one
            java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(stdin, 1 << 16);
            try {
                body.writeTo(buffered);
            } catch (IOException e) {
                if (!stdin.failed) {
                    // the host's side failed: the archive is cut short, the exec is told so
                    exec.close();
                    throw new UncheckedIOException(e);
                }
            }
            try {
                buffered.flush();
                exec.closeStdin();
            } catch (IOException e) {
                // the exec stopped reading (tar failed, or exited): its exit code says why
            }
            join(reader);
            if (output.failure != null && output.stderr.size() == 0) {
                throw new UncheckedIOException(output.failure);
            }
            int exit = exitCode(execId);
            String stderr = output.stderr.toString(StandardCharsets.UTF_8).trim();
            boolean started = !(exit == NOT_FOUND || exit == NOT_EXECUTABLE);
            return new Outcome(started, exit, stderr);
        }
    }

    static List<String> argv(String directory) {
        List<String> argv = new java.util.ArrayList<>(ARGV);
        argv.add(directory);
        return argv;
    }

    private int exitCode(String execId) {
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
                return -1;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
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

    /** Drains the exec's output on its own thread (tar blocks when its stderr fills), keeping the start of stderr. */
    private static final class Output implements Runnable {
        private final ExecSockets.Hijacked exec;
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        volatile IOException failure;

        Output(ExecSockets.Hijacked exec) {
            this.exec = exec;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                long frame;
                while ((frame = exec.readFrame()) >= 0) {
                    boolean err = (int) (frame >>> 32) == ExecSockets.Hijacked.STDERR;
                    long left = frame & 0xffffffffL;
                    while (left > 0) {
                        int n = exec.payload(buffer, 0, (int) Math.min(left, buffer.length));
                        if (n < 0) {
                            return;
                        }
                        left -= n;
                        if (err) {
                            stderr.write(buffer, 0, Math.max(0, Math.min(n, STDERR_KEPT - stderr.size())));
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** The exec's stdin, remembering whether a write to it failed (as opposed to the archive's source). */
    private static final class Stdin extends OutputStream {
        private final OutputStream out;
        volatile boolean failed;

        Stdin(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }
}
