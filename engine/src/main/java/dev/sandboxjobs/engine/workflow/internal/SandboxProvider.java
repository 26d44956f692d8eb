package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.SandboxSpec;
import java.util.List;

/**
 * The job engine's only view of sandboxes: the seam to the sandbox SDK. The SDK adapter
 * implements it over {@code SandboxEngine} (create with the spec turned into
 * {@code SandboxOptions}, labelled with the run id; destroy; look up by id; list containers by
 * the run label). Workflows that declare no sandbox never touch it.
 */
public interface SandboxProvider {
    /** A sandbox the engine found alive, and the run its label names. */
    record LiveSandbox(String sandboxId, String runId) {
    }

    /** Creates and starts a sandbox for {@code runId}, labelled with it. Failures are infrastructure faults. */
    TaskSandbox create(String runId, SandboxSpec spec);

    /**
     * Reattaches to a sandbox that survived a restart; {@code spec} is the run's stored spec (its
     * secret names are resolved again, as secret values are never stored).
     */
    TaskSandbox attach(String sandboxId, SandboxSpec spec);

    /** Destroys a sandbox; a sandbox that is already gone is not an error. */
    void destroy(String sandboxId);

    /**
     * Whether the sandbox still exists with its files (its container may be stopped); a run whose
     * sandbox is alive resumes in it after a restart.
     */
    boolean isAlive(String sandboxId);

    /** Every live sandbox labelled with a run by this engine. */
    List<LiveSandbox> liveSandboxes();

    /** A provider for engines without sandboxes: a workflow that declares one fails to start. */
    SandboxProvider NONE = new SandboxProvider() {
        @Override
        public TaskSandbox create(String runId, SandboxSpec spec) {
            throw new IllegalStateException("This job engine has no sandbox provider; workflows that declare "
                    + "a sandbox need an engine built with Docker.");
        }

        @Override
        public TaskSandbox attach(String sandboxId, SandboxSpec spec) {
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
