package dev.sandboxjobs.engine;

/**
 * Follows what an engine does with its sandboxes: for metrics, tracing or audit logs. Every method
 * does nothing by default; override those you need. Add one with
 * {@link SandboxEngine#addListener(SandboxListener)}.
 *
 * <pre>{@code
 * engine.addListener(new SandboxListener() {
 *     @Override
 *     public void onExecFinished(ExecSummary exec) {
 *         log.info("{} in {}: {} after {} ms", exec.outcome(), exec.sandboxId(), exec.exitCode(),
 *                 exec.duration().toMillis());
 *     }
 * });
 * }</pre>
 *
 * <p>Methods are called on the thread where the event happened (the caller's for {@code exec}, the
 * maintenance thread for reaped orphans): return quickly. {@code onSandboxDestroyed} runs while the
 * engine still holds that sandbox's lock, so a listener must not wait there for another thread that
 * uses the same sandbox (hand such work to an executor). An exception a listener throws is logged
 * and ignored; it never fails the operation nor keeps the other listeners from being called.
 */
public interface SandboxListener {
    /** A listener that does nothing. */
    SandboxListener NONE = new SandboxListener() {
    };

    /** A new sandbox was created by this engine (its row written and its container made or taken from a warm pool). */
    default void onSandboxCreated(SandboxInfo sandbox) {
    }

    /** A sandbox was destroyed by this engine: its container removed and its state deleted. */
    default void onSandboxDestroyed(String sandboxId) {
    }

    /**
     * A command ({@code exec} with a shell command or an argv, and {@code execStream}) finished: with
     * an exit code, by its timeout, or with an error. Invalid arguments, rejected before anything
     * ran, are not reported.
     */
    default void onExecFinished(ExecSummary exec) {
    }

    /**
     * The orphan reaper removed a container labelled with this engine's id that belonged to no
     * sandbox of its database (left by a crash, or a warm-pool container of a process that is gone).
     *
     * @param containerId the Docker container's id
     * @param sandboxId   the sandbox its label named, or null (a warm-pool container)
     */
    default void onOrphanReaped(String containerId, String sandboxId) {
    }
}
