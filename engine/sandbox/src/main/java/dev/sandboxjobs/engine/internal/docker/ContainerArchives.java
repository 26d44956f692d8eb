package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.Containers.TarBody;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Docker's archive endpoints for {@link Containers}: on a local Unix socket through
 * {@link SocketArchives} (large buffers, the tar written in the caller's thread), on any other
 * host through docker-java (the tar written by a thread into a pipe).
 */
final class ContainerArchives {
    private final DockerClient docker;
    private final SocketArchives socket;

    /** {@code socket}: null when the Docker host is not a local Unix socket. */
    ContainerArchives(DockerClient docker, SocketArchives socket) {
        this.docker = docker;
        this.socket = socket;
    }

    /**
     * Streams a tar archive into {@code directory} of the container: on a local socket copied in
     * the calling thread onto our own connection (a failure to read {@code tar} is an
     * {@link UncheckedIOException}), else through docker-java.
     */
    void put(String containerId, String directory, InputStream tar) {
        if (socket != null) {
            socket.put(containerId, directory, tar::transferTo);
            return;
        }
        dockerJavaPut(containerId, directory, tar);
    }

    private void dockerJavaPut(String containerId, String directory, InputStream tar) {
        docker.copyArchiveToContainerCmd(containerId)
                .withRemotePath(directory)
                .withTarInputStream(tar)
                .exec();
    }

    /**
     * Streams the tar archive {@code body} writes into {@code directory} of the container, in the
     * calling thread on a local socket. A failure of {@code body} itself is rethrown as it is
     * ({@link UncheckedIOException} for an {@link IOException}); Docker's refusals are docker-java's
     * exceptions.
     */
    void put(String containerId, String directory, TarBody body) {
        if (socket != null) {
            socket.put(containerId, directory, body);
            return;
        }
        PipedInputStream pipe = new PipedInputStream(1 << 20);
        PipedOutputStream sink;
        try {
            sink = new PipedOutputStream(pipe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try (sink) {
                body.writeTo(sink);
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "sandbox-jobs-tar-writer");
        writer.setDaemon(true);
        writer.start();
        try {
            dockerJavaPut(containerId, directory, pipe);
        } catch (RuntimeException e) {
            if (done.isCompletedExceptionally()) {
                throw bodyFailure(done); // the body's own failure explains Docker's (a truncated archive)
            }
            throw e;
        } finally {
            try {
                pipe.close();
            } catch (IOException ignored) {
                // the pipe is done either way
            }
        }
        if (done.isCompletedExceptionally()) {
            throw bodyFailure(done);
        }
        done.join();
    }

    private static RuntimeException bodyFailure(CompletableFuture<Void> done) {
        try {
            done.join();
            return new IllegalStateException("no failure");
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            return c instanceof RuntimeException r ? r : new UncheckedIOException((IOException) c);
        }
    }

    /** A tar archive of {@code path} straight from Docker, buffered (1 MiB); the caller closes it. */
    InputStream get(String containerId, String path) {
        if (socket != null) {
            return socket.get(containerId, path);
        }
        return new BufferedInputStream(docker.copyArchiveFromContainerCmd(containerId, path).exec(), 1 << 20);
    }
}
