package dev.sandboxjobs.engine;

/**
 * The stable code of a {@link SandboxException}. Codes are part of the API: callers branch on
 * them, so a code is never renamed or reused for a different fault. The job engine's codes are in
 * {@code dev.sandboxjobs.engine.workflow.JobErrorCode}.
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
    /** A path is valid but outside the directories the operation allows (backups: /workspace, /home, /tmp, /var/tmp, /app). */
    PATH_NOT_ALLOWED,
    /** No directory backup with that id is stored (never made, deleted, or expired). */
    BACKUP_NOT_FOUND,
    /** No snapshot with that id exists on the Docker engine (never made, deleted, or expired). */
    SNAPSHOT_NOT_FOUND,
    /** An S3-compatible bucket did not answer, refused the credentials, or does not exist; the message names the endpoint. */
    BUCKET_UNAVAILABLE,
    /** A remote function raised an error in the sandbox, or its result was not JSON; the message carries its traceback. */
    FUNCTION_FAILED,
    /**
     * The sandbox's image lacks a program the operation needs (a JDK for a Java remote function);
     * the message names an image that has it ({@code sandbox-jobs/runtime-full}, built by
     * {@code ./sandbox-jobs setup --full}).
     */
    TOOLCHAIN_MISSING,

    /** The database is held by another engine process; stop it or use another database. */
    DATABASE_LOCKED,
    /** The database cannot be opened or used. */
    DATABASE_UNAVAILABLE,
    /**
     * A sandbox asked for a disk limit ({@code SandboxOptions.diskBytes}) that the Docker engine's
     * storage driver cannot enforce (overlay2 on ext4, for example); leave the limit unset there.
     */
    DISK_LIMIT_UNSUPPORTED,
    /**
     * A sandbox's network cannot be set up as its egress policy asks: the egress proxy cannot
     * listen on the Docker network's gateway (a Docker engine on another machine), or the firewall
     * rules could not be installed. Use {@code EgressPolicy.none()} there, or see docs/network.md.
     */
    EGRESS_UNAVAILABLE
}
