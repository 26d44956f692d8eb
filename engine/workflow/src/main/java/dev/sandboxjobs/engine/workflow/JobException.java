package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.SandboxJobsException;
import java.util.Objects;

/**
 * The unchecked exception of the job engine. {@link #code()} is stable and meant for branching;
 * the message says what happened and what to do about it. Errors of the sandboxes a step uses are
 * the SDK's {@code SandboxException}s; both share the {@link SandboxJobsException} base.
 *
 * <pre>{@code
 * try {
 *     client.get(runId);
 * } catch (JobException e) {
 *     if (e.code() == JobErrorCode.RUN_NOT_FOUND) { ... }
 * }
 * }</pre>
 */
public class JobException extends SandboxJobsException {
    private final JobErrorCode code;

    public JobException(JobErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public JobException(JobErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code of this fault. */
    @Override
    public JobErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "JobException[" + code + "]: " + getMessage();
    }
}
