package dev.sandboxjobs.engine.internal.backup;

import dev.sandboxjobs.engine.DirectoryBackup;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.S3Bucket;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.s3.S3Access;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Backups as objects in an S3-compatible bucket: {@code <prefix>backups/<id>.tar.gz} and
 * {@code <prefix>backups/<id>.json}, the description uploaded last. Engines sharing the bucket
 * share the backups (and expire them).
 */
public final class S3BackupStore implements BackupStore {
    private static final String FOLDER = "backups/";
    private final S3Bucket bucket;
    private volatile S3Access access;

    public S3BackupStore(S3Bucket bucket) {
        this.bucket = bucket;
    }

    /** Opened on first use, so an engine starts while the bucket is down. */
    private S3Access s3() {
        S3Access a = access;
        if (a == null) {
            synchronized (this) {
                if (access == null) {
                    access = S3Access.open(bucket);
                }
                a = access;
            }
        }
        return a;
    }

    @Override
    public void put(DirectoryBackup backup, Path archive) {
        s3().put(FOLDER + backup.id() + ".tar.gz", archive);
        s3().put(FOLDER + backup.id() + ".json", BackupJson.write(backup));
    }

    @Override
    public Optional<InputStream> open(String id) {
        if (id == null || !BackupJson.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return s3().get(FOLDER + id + ".tar.gz");
    }

    @Override
    public Optional<DirectoryBackup> find(String id) {
        if (id == null || !BackupJson.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Optional<InputStream> in = s3().get(FOLDER + id + ".json");
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            return Optional.of(BackupJson.read(stream.readAllBytes()));
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.BUCKET_UNAVAILABLE, "Cannot read the description of backup " + id
                    + " in " + bucket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<DirectoryBackup> list() {
        List<DirectoryBackup> all = new ArrayList<>();
        for (S3Access.Entry e : s3().list(FOLDER)) {
            if (e.key().endsWith(".json")) {
                find(e.key().substring(FOLDER.length(), e.key().length() - 5)).ifPresent(all::add);
            }
        }
        all.sort(Comparator.comparing(DirectoryBackup::createdAt).thenComparing(DirectoryBackup::id));
        return all;
    }

    @Override
    public boolean delete(String id) {
        if (find(id).isEmpty()) {
            return false;
        }
        s3().delete(FOLDER + id + ".json");
        s3().delete(FOLDER + id + ".tar.gz");
        return true;
    }

    @Override
    public String location() {
        return bucket.toString();
    }
}
