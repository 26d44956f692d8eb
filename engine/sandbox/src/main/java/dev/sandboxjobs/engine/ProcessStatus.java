package dev.sandboxjobs.engine;

/** The state of a background process, named as in the seed. */
public enum ProcessStatus {
    /** Started; its process group is alive. */
    RUNNING,
    /** Ended with exit code 0. */
    COMPLETED,
    /** Ended with a non-zero exit code. */
    FAILED,
    /** Stopped by {@code killProcess}, or lost when its container stopped. */
    KILLED;

    /** Whether the process has ended. */
    public boolean isTerminal() {
        return this != RUNNING;
    }
}
