package dev.sandboxjobs.engine.workflow;

/**
 * The run's sandbox as a step sees it. This is the seam to the sandbox SDK: the engine's sandbox
 * provider wraps a live {@code dev.sandboxjobs.engine.Sandbox}, which a step obtains with
 * {@code ctx.sandbox(Sandbox.class)} (short for {@code ctx.sandbox().unwrap(Sandbox.class)}).
 */
public interface StepSandbox {
    /** The sandbox's id (its container is labelled with it and with the run). */
    String id();

    /**
     * The underlying handle of type {@code type}.
     *
     * @throws IllegalArgumentException if the sandbox is not of that type
     */
    <T> T unwrap(Class<T> type);
}
