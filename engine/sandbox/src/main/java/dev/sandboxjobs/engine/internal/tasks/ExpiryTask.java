package dev.sandboxjobs.engine.internal.tasks;

import dev.sandboxjobs.engine.internal.Expiry;
import dev.sandboxjobs.engine.task.Task;

/** Deletes expired directory backups and sandbox snapshots (a failure is retried at the next turn). */
public final class ExpiryTask implements Task {
    private final Expiry expiry;

    public ExpiryTask(Expiry expiry) {
        this.expiry = expiry;
    }

    @Override
    public String name() {
        return "backup and snapshot expiry";
    }

    @Override
    public void run() {
        expiry.run();
    }
}
