package dev.sandboxjobs.engine;

import java.util.Objects;

/**
 * The unchecked exception of the sandbox SDK (the job engine has its own, {@code JobException},
 * under the same {@link SandboxJobsException} base). {@link #code()} is stable and meant for
 * branching; the message says what happened and what to do about it.
 *
 * <pre>{@code
 * try {
 *     sandbox.readFile("/workspace/missing.txt");
 * } catch (SandboxException e) {
 *     if (e.code() == ErrorCode.FILE_NOT_FOUND) { ... }
 * }
 * }</pre>
 *
 * <p>A command that exits with a non-zero code is not an exception: it is an {@link ExecResult}
 * whose {@code success()} is false.
 */
public class SandboxException extends SandboxJobsException {
    private final ErrorCode code;

    public SandboxException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public SandboxException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code of this fault. */
    @Override
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "SandboxException[" + code + "]: " + getMessage();
    }
}
