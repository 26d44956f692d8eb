package dev.sandboxjobs.engine;

import java.util.Objects;

/**
 * The one unchecked exception of Sandbox Jobs: a stable {@link ErrorCode} and a message that
 * says what to do.
 *
 * <pre>{@code
 * try {
 *     Setup.builder().build().run();
 * } catch (SandboxException e) {
 *     if (e.code() == ErrorCode.DOCKER_UNAVAILABLE) { ... }
 * }
 * }</pre>
 */
public class SandboxException extends RuntimeException {
    private final ErrorCode code;

    public SandboxException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public SandboxException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code of this error. */
    public ErrorCode code() {
        return code;
    }
}
