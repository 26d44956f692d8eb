package dev.sandboxjobs.engine.internal.backup;

import dev.sandboxjobs.engine.DirectoryBackup;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where directory backups are kept: a directory of the engine's host, or an S3-compatible bucket. */
public interface BackupStore {
    /** Stores {@code archive} (tar + gzip, moved or copied away) with its description. */
    void put(DirectoryBackup backup, Path archive);

    /** The archive's bytes (tar + gzip); the caller closes the stream. Empty when unknown. */
    Optional<InputStream> open(String id);

    /** The backup's description, expired or not; empty when unknown. */
    Optional<DirectoryBackup> find(String id);

    /** Every stored backup, oldest first. */
    List<DirectoryBackup> list();

    /** Deletes a backup; returns whether it existed. */
    boolean delete(String id);

    /** Where backups go, for messages. */
    String location();
}
