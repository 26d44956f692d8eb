package dev.sandboxjobs.engine.workflow;

/**
 * The state of a run, and of each of its steps. {@code QUEUED → RUNNING → SUCCEEDED | FAILED |
 * CANCELLED | TIMED_OUT}; a running run or step goes back to {@code QUEUED} when it is retried or
 * recovered after a crash. The allowed changes are one table in the engine; any other change is
 * refused with {@link IllegalStateTransitionException}.
 */
public enum RunState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    TIMED_OUT;

    /** Whether the run (or step) is over and will not change again. */
    public boolean isFinished() {
        return this != QUEUED && this != RUNNING;
    }
}
