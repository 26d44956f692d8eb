package dev.sandboxjobs.engine.workflow;

/**
 * Why a run or step did not succeed, stored as data.
 *
 * @param type       the exception class name, or {@code StepResult.failure} for a failed result,
 *                   {@code Timeout}, {@code Cancelled}
 * @param message    a human-readable message
 * @param stackTrace the stack trace as text, or null
 * @param retryable  whether the engine considered it an infrastructure fault worth a retry
 */
public record Failure(String type, String message, String stackTrace, boolean retryable) {
}
