package dev.sandboxjobs.engine.internal.docker;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;

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

    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.trim();
    }
}
