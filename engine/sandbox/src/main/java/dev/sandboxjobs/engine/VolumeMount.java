package dev.sandboxjobs.engine;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named Docker volume mounted into a sandbox, e.g. a dependency cache shared by many
 * sandboxes. The engine creates the volume on first use, labelled {@value #VOLUME_LABEL}
 * {@code =cache}; it outlives the sandboxes that mount it.
 *
 * <pre>{@code
 * Sandbox sandbox = engine.getSandbox("build-7", SandboxOptions.builder()
 *         .volume("npm-cache", "/cache/npm")
 *         .build());
 * }</pre>
 *
 * <p>Only named volumes can be mounted: a host path (anything with a {@code /}, such as
 * {@code /var/run/docker.sock}) is refused with {@link ErrorCode#INVALID_ARGUMENT}, so a
 * sandbox never sees the host's files or the Docker socket.
 *
 * @param name          the volume's name: a letter or digit, then letters, digits, {@code _ . -}
 * @param containerPath where it appears in the sandbox: an absolute path other than {@code /}
 * @param readOnly      whether the sandbox may only read it
 */
public record VolumeMount(String name, String containerPath, boolean readOnly) {
    /** The label the engine puts on volumes it creates. */
    public static final String VOLUME_LABEL = "dev.sandboxjobs.volume";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

    /**
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} for a host path, a bad name or a
     *                          container path that is not absolute
     */
    public VolumeMount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(containerPath, "containerPath");
        if (name.contains("/") || name.contains("\\") || name.startsWith(".") || name.startsWith("~")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is a host path; only named Docker"
                    + " volumes can be mounted into a sandbox (host paths and the Docker socket never are). Use a volume name such as 'npm-cache'.");
        }
        if (!NAME.matcher(name).matches()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is not a valid volume name:"
                    + " use a letter or digit, then letters, digits, '_', '.' or '-'.");
        }
        if (!containerPath.startsWith("/") || containerPath.equals("/") || containerPath.indexOf('\0') >= 0
                || containerPath.indexOf(':') >= 0 || containerPath.indexOf(',') >= 0
                || containerPath.matches(".*(^|/)\\.\\.?(/|$).*")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The mount point '" + containerPath
                    + "' must be an absolute path other than /, without '.', '..', ':' or ','.");
        }
    }

    /** A read-write mount of the volume {@code name} at {@code containerPath}. */
    public static VolumeMount of(String name, String containerPath) {
        return new VolumeMount(name, containerPath, false);
    }
}
