package dev.sandboxjobs.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the engine keeps directory backups ({@link SandboxEngine.Builder#backupStorage}): by
 * default the {@code backups} folder of its data directory; or another host directory; or an
 * S3-compatible bucket, so that engines on several machines share them.
 *
 * <pre>{@code
 * SandboxEngine.builder().backupStorage(BackupStorage.s3(S3Bucket.of("https://s3.example.com", "backups")
 *         .credentials(Secret.fromEnv("S3_KEY_ID"), Secret.fromEnv("S3_SECRET"))
 *         .prefix("sandbox-jobs/"))).build();
 * }</pre>
 */
public final class BackupStorage {
    private final Path directory;
    private final S3Bucket bucket;

    private BackupStorage(Path directory, S3Bucket bucket) {
        this.directory = directory;
        this.bucket = bucket;
    }

    /** Backups as files in {@code directory} on the engine's host. */
    public static BackupStorage local(Path directory) {
        return new BackupStorage(Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize(), null);
    }

    /** Backups as objects in an S3-compatible bucket (under its prefix). */
    public static BackupStorage s3(S3Bucket bucket) {
        return new BackupStorage(null, Objects.requireNonNull(bucket, "bucket"));
    }

    /** The host directory, or null for a bucket. */
    public Path directory() {
        return directory;
    }

    /** The bucket, or null for a host directory. */
    public S3Bucket bucket() {
        return bucket;
    }

    @Override
    public String toString() {
        return directory != null ? "BackupStorage[" + directory + "]" : "BackupStorage[" + bucket + "]";
    }
}
