package dev.sandboxjobs.engine.internal.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How the preview proxy gets a byte stream to a sandbox port when it does not connect to the
 * container's IP ({@link dev.sandboxjobs.engine.PreviewOptions.Upstream#DOCKER_EXEC}): the
 * engine's implementation is a tunnel over Docker's exec API
 * ({@link dev.sandboxjobs.engine.internal.docker.ExecPortTunnel}).
 */
public interface TunnelTransport {
    /**
     * Opens a connection to {@code 127.0.0.1:port} inside the sandbox's container.
     *
     * @throws java.net.ConnectException when nothing listens on the port
     * @throws IOException when the sandbox cannot be reached (no container, Docker refused)
     */
    Tunnel open(String sandboxId, int port) throws IOException;

    /** One open connection: bytes in both directions, a half-close, a close (safe twice). */
    interface Tunnel extends Closeable {
        /** What the service sends; -1 once it has closed its side. */
        InputStream input();

        /** What goes to the service. */
        OutputStream output();

        /** Tells the service that nothing more comes (EOF on its side), keeping {@link #input()} open. */
        void shutdownOutput() throws IOException;
    }
}
