package dev.sandboxjobs.jobs.report;

/** How one pipeline step ended. */
public enum StepStatus {
    SUCCEEDED,
    /** The step ran and failed (a failing test suite is {@code FAILED} for the test step). */
    FAILED,
    /** The step hit its timeout; its processes were killed. */
    TIMED_OUT,
    /** The step did not run because an earlier one failed or there was nothing to do. */
    SKIPPED
}
