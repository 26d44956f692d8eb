package dev.sandboxjobs.storage;

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
}
