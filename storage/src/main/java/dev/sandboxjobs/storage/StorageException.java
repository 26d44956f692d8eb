package dev.sandboxjobs.storage;

import dev.sandboxjobs.storage.run.WriteGate;
import org.jdbi.v3.core.JdbiException;

/**
 * A database could not be opened, migrated or used. The message says what to check.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code failure} was caused by SQLite reporting a locked database ({@code SQLITE_BUSY}). */
    public static boolean isBusy(Throwable failure) {
        return WriteGate.isBusy(failure);
    }

    /** Whether {@code failure} is SQLite (or the file system) saying the disk is full. */
    public static boolean isDiskFull(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("SQLITE_FULL") || m.contains("disk is full") || m.contains("No space left on device")) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (isDiskFull(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether {@code failure} comes from the database layer (this module's {@code StorageException}
     * or the Jdbi and JDBC exceptions beneath the repositories), as opposed to a bug in the caller.
     */
    public static boolean isStorageFailure(Throwable failure) {
        return failure instanceof StorageException || failure instanceof JdbiException;
    }
}
