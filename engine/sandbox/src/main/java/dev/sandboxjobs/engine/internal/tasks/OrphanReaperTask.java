package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import dev.sandboxjobs.engine.task.Task;

/** Removes containers labelled with this engine's id that belong to no sandbox of its database. */
public final class OrphanReaperTask implements Task {
    private final SandboxRegistry registry;

    public OrphanReaperTask(SandboxRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "orphan reaper";
    }

    @Override
    public void run() {
        registry.reapOrphans();
    }
}
