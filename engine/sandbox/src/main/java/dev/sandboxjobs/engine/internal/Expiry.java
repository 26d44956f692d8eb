package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.DirectoryBackup;
import dev.sandboxjobs.engine.internal.backup.BackupStore;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.sandbox.Snapshots;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes the directory backups and sandbox snapshots of this engine whose ttl has passed. */
public final class Expiry {
    private static final Logger LOG = LoggerFactory.getLogger(Expiry.class);
    private final BackupStore backups;
    private final Containers containers;
    private final String engineId;
    private final Clock clock;

    Expiry(BackupStore backups, Containers containers, String engineId, Clock clock) {
        this.backups = backups;
        this.containers = containers;
        this.engineId = engineId;
        this.clock = clock;
    }

    /** Returns how many backups and snapshots it deleted. */
    public int run() {
        Instant now = clock.instant();
        int deleted = 0;
        for (DirectoryBackup b : backups.list()) {
            if (!b.expiresAt().isAfter(now) && backups.delete(b.id())) {
                LOG.info("Deleted backup {} of {} (expired at {})", b.id(), b.dir(), b.expiresAt());
                deleted++;
            }
        }
        return deleted + Snapshots.expire(containers, engineId, now);
    }
}
