package dev.sandboxjobs.engine.workflow;

/**
 * The outcome of {@link JobsClient#cancel(String)}.
 *
 * @param changed whether this call cancelled the run; false when it was already over
 * @param state   the run's state after the call
 * @param message what happened, e.g. "run r-1 had already SUCCEEDED; nothing to cancel"
 */
public record CancelResult(String runId, boolean changed, RunState state, String message) {
}
