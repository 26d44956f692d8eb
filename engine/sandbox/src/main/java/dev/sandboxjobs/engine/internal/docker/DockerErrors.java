package dev.sandboxjobs.engine.internal.docker;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/** Turns transport failures into typed errors. */
public final class DockerErrors {
    private DockerErrors() {}

    public static SandboxException unavailable(String host, Throwable cause) {
        return new SandboxException(ErrorCode.DOCKER_UNAVAILABLE,
                "Cannot reach the Docker engine at " + host + " (" + rootMessage(cause) + "). "
                        + "Start Docker, set DOCKER_HOST or the engine's dockerHost, or run ./sandbox-jobs setup.", cause);
    }

    public static SandboxException error(String what, Throwable cause) {
        if (cause instanceof SandboxException se) {
            return se;
        }
        return new SandboxException(ErrorCode.SANDBOX_ERROR, what + ": " + rootMessage(cause), cause);
    }

    /**
     * Whether {@code t} is the connection to the Docker engine failing (daemon stopped or
     * restarting, socket gone, connection cut), not Docker answering with an error.
     */
    public static boolean isTransportFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SandboxException) {
                return false;
            }
            String name = c.getClass().getName();
            // a Unix socket's peer gone shows as a plain IOException ("Broken pipe", "Connection reset by peer")
            boolean cut = c instanceof java.io.IOException && ("Broken pipe".equals(c.getMessage())
                    || "Connection reset by peer".equals(c.getMessage()));
            if (cut || c instanceof SocketException || c instanceof ClosedChannelException
                    || name.equals("org.apache.hc.core5.http.NoHttpResponseException")
                    || name.equals("org.apache.hc.core5.http.ConnectionClosedException")) {
                return true;
            }
        }
        return false;
    }

    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.trim();
    }
}
