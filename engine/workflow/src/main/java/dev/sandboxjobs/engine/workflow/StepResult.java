package dev.sandboxjobs.engine.workflow;

/**
 * What a step returns: a success with a JSON-serialisable value, or a failure-as-result (a red
 * test suite) — the work ran and its verdict is "no". A failure-as-result fails the run without a
 * retry (unless {@link RetryPolicy#retryFailedResults()}); an exception is a fault instead.
 */
public final class StepResult {
    private final boolean success;
    private final Object value;
    private final String message;

    private StepResult(boolean success, Object value, String message) {
        this.success = success;
        this.value = value;
        this.message = message;
    }

    /** A success carrying {@code value} (any Jackson-serialisable object, or null). */
    public static StepResult success(Object value) {
        return new StepResult(true, value, null);
    }

    public static StepResult success() {
        return new StepResult(true, null, null);
    }

    /** A failed result: {@code message} says why, {@code value} carries details (may be null). */
    public static StepResult failure(String message, Object value) {
        return new StepResult(false, value, message);
    }

    public boolean isSuccess() {
        return success;
    }

    public Object value() {
        return value;
    }

    /** Why the result is a failure; null for a success. */
    public String message() {
        return message;
    }
}
