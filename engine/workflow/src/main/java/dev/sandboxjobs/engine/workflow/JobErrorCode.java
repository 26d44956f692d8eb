package dev.sandboxjobs.engine.workflow;

/**
 * The stable code of a {@link JobException}. Codes are part of the API: callers branch on them, so
 * a code is never renamed or reused for a different fault.
 */
public enum JobErrorCode {
    /** No workflow is registered under the requested name; register it before submitting or starting. */
    UNKNOWN_WORKFLOW,
    /** A run's parameters did not pass the workflow's validation. */
    INVALID_PARAMETERS,
    /** A cron expression could not be parsed. */
    INVALID_CRON,
    /** No run has the given id (it may have been removed by retention). */
    RUN_NOT_FOUND,
    /** No schedule has the given id. */
    SCHEDULE_NOT_FOUND,
    /** A schedule with this id already exists. */
    SCHEDULE_EXISTS,
    /** No artifact has the given name in the run. */
    ARTIFACT_NOT_FOUND,
    /** A state change that the state machine does not allow. */
    ILLEGAL_STATE_TRANSITION,
    /** An argument was malformed (no time for {@code submitAt}, a foreign page token, an oversized artifact...). */
    INVALID_ARGUMENT,
    /** The database is held by another job engine process, or stayed locked; stop it or use another database. */
    DATABASE_LOCKED,
    /** The database cannot be opened or used. */
    DATABASE_UNAVAILABLE,
    /** The job engine was closed; build a new one. */
    CLOSED
}
