package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.storage.StorageException;
import java.util.function.Supplier;

/** Storage failures as the job engine's typed errors: a full disk, a locked database, a failed one. */
final class DatabaseErrors {
    private DatabaseErrors() {
    }

    /** Runs a storage call, turning storage failures into typed errors. */
    static <T> T guard(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof SandboxJobsException) {
            return e;
        }
        if (StorageException.isStorageFailure(e)) {
            if (StorageException.isDiskFull(e)) {
                return new JobException(JobErrorCode.DATABASE_UNAVAILABLE, "The disk holding the database is full"
                        + " (SQLITE_FULL): nothing was written. Free space in the data directory and try again.", e);
            }
            boolean busy = StorageException.isBusy(e);
            return new JobException(busy ? JobErrorCode.DATABASE_LOCKED : JobErrorCode.DATABASE_UNAVAILABLE,
                    (busy ? "The database is locked by another process: " : "The database failed: ")
                            + e.getMessage(), e);
        }
        return e;
    }
}
