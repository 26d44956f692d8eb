package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.sandbox.SandboxRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes containers labelled with this engine's id that belong to no sandbox of its database. */
public final class OrphanReaperTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanReaperTask.class);
    private final SandboxRegistry registry;

    public OrphanReaperTask(SandboxRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void run() {
        try {
            registry.reapOrphans();
        } catch (RuntimeException e) {
            LOG.warn("Reaping orphan containers failed; will retry: {}", e.getMessage());
        }
    }
}
