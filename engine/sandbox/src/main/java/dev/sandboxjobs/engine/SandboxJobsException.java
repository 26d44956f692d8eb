package dev.sandboxjobs.engine;

/**
 * The base of every exception Sandbox Jobs throws on purpose: {@link SandboxException} for the
 * sandbox SDK and {@code JobException} for the job engine. Each carries a stable {@link #code()}
 * (an enum constant of {@link ErrorCode} or {@code JobErrorCode}) for branching, and a message
 * that says what happened and what to do about it. Catch this type to handle both products'
 * errors in one place.
 *
 * <pre>{@code
 * try {
 *     worker.submit(request);
 * } catch (SandboxJobsException e) {
 *     System.err.println("error [" + e.code() + "]: " + e.getMessage());
 * }
 * }</pre>
 */
public abstract class SandboxJobsException extends RuntimeException {
    protected SandboxJobsException(String message) {
        super(message);
    }

    protected SandboxJobsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The stable code of this fault; its {@code name()} never changes meaning. */
    public abstract Enum<?> code();
}
