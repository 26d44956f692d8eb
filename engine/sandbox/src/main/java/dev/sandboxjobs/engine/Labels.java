package dev.sandboxjobs.engine;

/**
 * The Docker labels Sandbox Jobs puts on the containers it creates, in one place. An engine
 * removes only containers that carry its own {@link #ENGINE} label; tools that clean up after a
 * crash (or a test) select by these labels.
 *
 * <pre>{@code
 * docker ps -a --filter label=dev.sandboxjobs.engine=<engine id>
 * docker ps -a --filter label=dev.sandboxjobs.run=<run id>
 * }</pre>
 */
public final class Labels {
    /** The engine id ({@link SandboxEngine#engineId()}) on every container the engine creates. */
    public static final String ENGINE = "dev.sandboxjobs.engine";

    /** The sandbox id on a sandbox's container. */
    public static final String SANDBOX = "dev.sandboxjobs.sandbox";

    /**
     * On the containers of a warm pool ({@link SandboxEngine.Builder#warmPool}), valued with their
     * owner process as {@code host/pid/startMillis}; they carry no {@link #SANDBOX} label, even once
     * handed to a sandbox (Docker labels cannot change), and the sandbox's labels are in its
     * {@link SandboxInfo}.
     */
    public static final String POOL = "dev.sandboxjobs.pool";

    /**
     * The run id on the sandboxes the job engine creates for its runs (and in their
     * {@link SandboxInfo#labels()}); the job engine finds and destroys its runs' sandboxes by it.
     */
    public static final String RUN = "dev.sandboxjobs.run";

    /**
     * On the sandboxes of the testing pipeline run directly ({@code TestingPipeline.run}, valued
     * {@code testing-pipeline}) or as a job (valued with the workflow's name).
     */
    public static final String JOB = "dev.sandboxjobs.job";

    /**
     * The snapshot id on the image of a sandbox snapshot ({@link SandboxOperations#snapshot}); the
     * image also carries {@link #ENGINE}, and {@code dev.sandboxjobs.snapshot.sandbox}, {@code .name},
     * {@code .created} and {@code .expires}. The engine deletes expired snapshots by these labels.
     */
    public static final String SNAPSHOT = "dev.sandboxjobs.snapshot";

    /** The function's name on the sandbox that {@link SandboxEngine#callFunction} makes for one call. */
    public static final String FUNCTION = "dev.sandboxjobs.function";

    private Labels() {
    }
}
