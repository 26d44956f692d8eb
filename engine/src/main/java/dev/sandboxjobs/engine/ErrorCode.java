package dev.sandboxjobs.engine;

/** Stable codes of {@link SandboxException}; callers may switch on them. */
public enum ErrorCode {
    /** No Docker engine answers, and setup could not make one available. */
    DOCKER_UNAVAILABLE,
    /** An image the engine needs is missing and could not be built or pulled. */
    IMAGE_MISSING
}
