package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;
import dev.sandboxjobs.storage.Database;

/**
 * Copies SQLite's write-ahead log back into the database often, from a background thread, with
 * a passive checkpoint (it never blocks writers). Left to itself, SQLite checkpoints inside the
 * commit that crosses 1000 WAL pages, including its fsync — a latency spike for whichever run
 * happens to commit then.
 */
final class CheckpointTask implements Task {
    private final Database db;

    CheckpointTask(Database db) {
        this.db = db;
    }

    @Override
    public String name() {
        return "WAL checkpoint";
    }

    @Override
    public void run() {
        db.checkpoint();
    }
}
