package dev.sandboxjobs.engine;

import java.util.Objects;

/**
 * The one unchecked exception family of Sandbox Jobs: a stable {@link ErrorCode} and a message
 * that says what to do.
 */
public class SandboxException extends RuntimeException {
    private final ErrorCode code;

    public SandboxException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public SandboxException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getName() + "[" + code + "]: " + getMessage();
    }
}
