package dev.sandboxjobs.engine;

/**
 * The stable code of a {@link SandboxException}. Codes are part of the API: callers branch on
 * them, so a code is never renamed or reused for a different fault.
 */
public enum ErrorCode {
    /** A file or directory does not exist. */
    FILE_NOT_FOUND,
    /** A directory was found where a file was expected. */
    IS_A_DIRECTORY,
    /** A file was found where a directory was expected. */
    NOT_A_DIRECTORY,
    /** The parent directory of a path to create does not exist. */
    PARENT_NOT_FOUND,
    /** A path is empty or contains a NUL byte. */
    INVALID_PATH,
    /** No session with that id exists in the sandbox. */
    SESSION_NOT_FOUND,
    /** A session with that id already exists. */
    SESSION_EXISTS,
    /** No background process with that id exists in the sandbox. */
    PROCESS_NOT_FOUND,
    /** A command ran longer than its timeout; its process tree was killed. */
    COMMAND_TIMEOUT,
    /** No sandbox with that id is known to the engine's database. */
    SANDBOX_NOT_FOUND,
    /** The sandbox was destroyed; get a new one from the engine. */
    SANDBOX_DESTROYED,
    /** The handle or engine was closed. */
    CLOSED,
    /** The Docker daemon did not answer; the message names where the engine looked. */
    DOCKER_UNAVAILABLE,
    /** The sandbox image does not exist on the Docker engine; run {@code ./sandbox-jobs setup}. */
    IMAGE_MISSING,
    /** {@code git clone} or checkout failed; credentials never appear in the message. */
    GIT_CHECKOUT_FAILED,
    /** An argument was malformed (a bad environment variable name, a negative size...). */
    INVALID_ARGUMENT,
    /** A port was used that is not exposed (reserved for the ports API). */
    PORT_NOT_EXPOSED,
    /** Docker or the container failed in a way no other code describes. */
    SANDBOX_ERROR,
    /** No code context with that id exists in the sandbox; create one with createCodeContext. */
    CONTEXT_NOT_FOUND,
    /** A code interpreter executor could not be started or stopped answering. */
    INTERPRETER_UNAVAILABLE,
    /** The sandbox has no network (NetworkMode.NONE), so the operation (exposing a port) is impossible. */
    NETWORK_DISABLED,

    // The job engine.
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
    /** The database is held by another engine process; stop it or use another database. */
    DATABASE_LOCKED,
    /** The database cannot be opened or used. */
    DATABASE_UNAVAILABLE,
    /**
     * A sandbox asked for a disk limit ({@code SandboxOptions.diskBytes}) that the Docker engine's
     * storage driver cannot enforce (overlay2 on ext4, for example); leave the limit unset there.
     */
    DISK_LIMIT_UNSUPPORTED
}
