package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.BackupStorage;
import dev.sandboxjobs.engine.internal.backup.BackupStore;
import dev.sandboxjobs.engine.internal.backup.LocalBackupStore;
import dev.sandboxjobs.engine.internal.backup.S3BackupStore;

/** The backup store the engine's configuration names. */
final class Stores {
    private Stores() {}

    static BackupStore backups(EngineConfig config) {
        BackupStorage storage = config.backupStorage();
        if (storage.bucket() != null) {
            return new S3BackupStore(storage.bucket());
        }
        return new LocalBackupStore(storage.directory());
    }
}
