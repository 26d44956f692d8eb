package dev.sandboxjobs.storage.run;

/** A failure stored as data: type, message, stack trace and whether it may be retried. */
public record FailureColumns(String type, String message, String stackTrace, boolean retryable) {
}
