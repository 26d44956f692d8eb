package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.BucketMount;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.MountBucketOptions;
import dev.sandboxjobs.engine.SandboxException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The buckets this engine mounted in one sandbox, by mount path. */
final class BucketMounts {
    /** System directories a bucket may not be mounted on or under. */
    private static final Set<String> FORBIDDEN = Set.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64",
            "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr", "/var/lib", "/opt/sandbox-jobs");
    private final Map<String, BucketSync> mounts = new ConcurrentHashMap<>();

    void mount(SandboxRuntime sandbox, String bucket, String path, MountBucketOptions options) {
        if (options == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A bucket mount needs options with the endpoint.");
        }
        checkAllowed(path);
        synchronized (this) {
            if (mounts.containsKey(path)) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Bucket " + mounts.get(path).describe().bucket()
                        + " is already mounted at " + path + "; unmount it first.");
            }
            mounts.put(path, BucketSync.mount(sandbox, bucket, path, options));
        }
    }

    void unmount(String path) {
        BucketSync sync = mounts.get(path);
        if (sync == null) {
            throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No bucket is mounted at " + path
                    + "; listBucketMounts() shows the mounts.");
        }
        try {
            sync.flush();
        } finally {
            mounts.remove(path, sync);
            sync.close();
        }
        sync.clear();
    }

    List<BucketMount> list() {
        return mounts.values().stream().map(BucketSync::describe)
                .sorted(Comparator.comparing(BucketMount::mountPath)).toList();
    }

    static void checkAllowed(String path) {
        if (path.equals("/")) {
            throw new SandboxException(ErrorCode.PATH_NOT_ALLOWED, "A bucket cannot be mounted on /; choose a directory"
                    + " such as /data or /workspace/data.");
        }
        for (String f : FORBIDDEN) {
            if (path.equals(f) || path.startsWith(f + "/")) {
                throw new SandboxException(ErrorCode.PATH_NOT_ALLOWED, path + " is a system directory (under " + f
                        + "); mount buckets elsewhere, such as /data or /workspace/data.");
            }
        }
    }
}
