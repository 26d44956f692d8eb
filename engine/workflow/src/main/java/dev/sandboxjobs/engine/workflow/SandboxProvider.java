package dev.sandboxjobs.engine.workflow;

import java.util.List;

/**
 * The job engine's only view of sandboxes: the seam to the sandbox SDK. The engine built with
 * {@code JobEngine.builder().sandboxEngine(sandboxEngine)} uses an implementation over the SDK's
 * public API (create with the spec turned into {@code SandboxOptions}, labelled with the run id;
 * destroy; look up by id; list sandboxes by the run label); another implementation can be given
 * with {@code JobEngine.Builder.sandboxProvider}. Workflows that declare no sandbox never touch it.
 *
 * <pre>{@code
 * JobEngine jobs = JobEngine.builder()
 *         .databaseFile(Path.of("jobs.db"))
 *         .sandboxProvider(myProvider)          // for example a fake in a unit test
 *         .build();
 * }</pre>
 */
public interface SandboxProvider {
    /** A sandbox the engine found alive, and the run its label names. */
    record LiveSandbox(String sandboxId, String runId) {
    }

    /**
     * Creates and starts a sandbox for {@code runId}, labelled with it. A failure fails the attempt
     * as an infrastructure fault (retried), except a {@code SandboxJobsException} that
     * {@link #isInfrastructureFault} rejects (a missing image: setup is needed, a retry would not help).
     */
    StepSandbox create(String runId, SandboxSpec spec);

    /**
     * Reattaches to a sandbox that survived a restart; {@code spec} is the run's stored spec (its
     * secret names are resolved again, as secret values are never stored).
     */
    StepSandbox attach(String sandboxId, SandboxSpec spec);

    /** Destroys a sandbox; a sandbox that is already gone is not an error. */
    void destroy(String sandboxId);

    /**
     * Whether the sandbox still exists with its files (its container may be stopped); a run whose
     * sandbox is alive resumes in it after a restart.
     */
    boolean isAlive(String sandboxId);

    /** Every live sandbox labelled with a run by this engine. */
    List<LiveSandbox> liveSandboxes();

    /**
     * Whether {@code failure} (thrown while creating a sandbox, or by a step using one) means that
     * the infrastructure failed rather than the work, so that another attempt in a new sandbox may
     * succeed. A run failing so is retried under its {@link RetryPolicy}. Default: no.
     */
    default boolean isInfrastructureFault(Throwable failure) {
        return false;
    }

    /** A provider for engines without sandboxes: a workflow that declares one fails to start. */
    SandboxProvider NONE = new SandboxProvider() {
        @Override
        public StepSandbox create(String runId, SandboxSpec spec) {
            throw new IllegalStateException("This job engine has no sandbox provider; workflows that declare "
                    + "a sandbox need an engine built with Docker.");
        }

        @Override
        public StepSandbox attach(String sandboxId, SandboxSpec spec) {
            throw new IllegalStateException("This job engine has no sandbox provider");
        }

        @Override
        public void destroy(String sandboxId) {
        }

        @Override
        public boolean isAlive(String sandboxId) {
            return false;
        }

        @Override
        public List<LiveSandbox> liveSandboxes() {
            return List.of();
        }
    };
}
