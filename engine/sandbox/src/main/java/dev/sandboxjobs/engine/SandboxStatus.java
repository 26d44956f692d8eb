package dev.sandboxjobs.engine;

/** The state of a sandbox's container. */
public enum SandboxStatus {
    /** The container runs. */
    RUNNING,
    /** Idle longer than {@code sleepAfter}: the container is stopped, its files kept; the next call wakes it. */
    SLEEPING
}
