package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Destroys sandboxes older than their maximum lifetime. */
public final class MaxLifetimeTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MaxLifetimeTask.class);
    private final SandboxRegistry registry;

    public MaxLifetimeTask(SandboxRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void run() {
        try {
            registry.destroyExpired();
        } catch (RuntimeException e) {
            LOG.warn("Destroying expired sandboxes failed; will retry: {}", e.getMessage());
        }
    }
}
