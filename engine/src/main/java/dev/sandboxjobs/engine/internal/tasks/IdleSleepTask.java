package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops the containers of sandboxes idle longer than their {@code sleepAfter}. */
public final class IdleSleepTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IdleSleepTask.class);
    private final SandboxRegistry registry;

    public IdleSleepTask(SandboxRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void run() {
        try {
            registry.sleepIdle();
        } catch (RuntimeException e) {
            LOG.warn("Putting idle sandboxes to sleep failed; will retry: {}", e.getMessage());
        }
    }
}
