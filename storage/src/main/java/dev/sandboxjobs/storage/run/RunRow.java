package dev.sandboxjobs.storage.run;

/**
 * One row of {@code runs}: what the engine persisted about a run. Times are epoch millis.
 * {@code owner} is the engine executing it (while running); {@code pinnedTo} the only engine that
 * may start it, if any.
 */
public record RunRow(
        long seq,
        String id,
        String workflow,
        String state,
        int priority,
        String parameters,
        String sandboxSpec,
        String labels,
        String idempotencyKey,
        String scheduleId,
        Long timeoutMs,
        RetryColumns retry,
        int attempt,
        Long notBefore,
        boolean awaitingTrigger,
        boolean cancelRequested,
        String sandboxId,
        String result,
        FailureColumns failure,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        long version,
        String owner,
        String pinnedTo) {

    /** The retry policy of a run, as columns. */
    public record RetryColumns(int maxAttempts, long initialMs, long maxMs, double multiplier, double jitter,
                               boolean retryFailedResults) {
    }
}
