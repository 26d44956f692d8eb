package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import dev.sandboxjobs.engine.task.Task;

/** Stops the containers of sandboxes idle longer than their {@code sleepAfter}. */
public final class IdleSleepTask implements Task {
    private final SandboxRegistry registry;

    public IdleSleepTask(SandboxRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "idle sleeper";
    }

    @Override
    public void run() {
        registry.sleepIdle();
    }
}
