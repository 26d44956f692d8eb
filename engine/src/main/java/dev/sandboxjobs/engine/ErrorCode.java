package dev.sandboxjobs.engine;

/**
 * Stable codes of {@link SandboxException}. Callers branch on the code, never on the message.
 */
public enum ErrorCode {
    /** No workflow is registered under the requested name. */
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
    /** An argument is missing or out of range. */
    INVALID_ARGUMENT,
    /** The database is held by another engine. */
    DATABASE_LOCKED,
    /** The database cannot be opened or used. */
    DATABASE_UNAVAILABLE,
    /** The engine was closed. */
    ENGINE_CLOSED
}
