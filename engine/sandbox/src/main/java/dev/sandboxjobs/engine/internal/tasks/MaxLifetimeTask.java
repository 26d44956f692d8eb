package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import dev.sandboxjobs.engine.task.Task;

/** Destroys sandboxes older than their maximum lifetime. */
public final class MaxLifetimeTask implements Task {
    private final SandboxRegistry registry;

    public MaxLifetimeTask(SandboxRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "lifetime limit";
    }

    @Override
    public void run() {
        registry.destroyExpired();
    }
}
