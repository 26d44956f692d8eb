package dev.sandboxjobs.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored copy of one directory of a sandbox, made by {@link SandboxOperations#createBackup} and
 * put back by {@link SandboxOperations#restoreBackup} into the same sandbox or another one. The
 * engine keeps it compressed (tar + gzip) in its data directory, or in an S3-compatible bucket
 * ({@link SandboxEngine.Builder#backupStorage}), until it expires.
 *
 * @param id unique id (a UUID)
 * @param dir the absolute directory it was made of, where {@code restoreBackup(backup)} puts it back
 * @param name the name given, or null
 * @param sandboxId the sandbox it was made in
 * @param createdAt when it was made
 * @param expiresAt when the engine deletes it
 * @param sizeBytes the size of the compressed archive
 */
public record DirectoryBackup(String id, String dir, String name, String sandboxId, Instant createdAt,
                              Instant expiresAt, long sizeBytes) {
    public DirectoryBackup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
