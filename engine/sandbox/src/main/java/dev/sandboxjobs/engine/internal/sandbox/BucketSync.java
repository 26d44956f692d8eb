package dev.sandboxjobs.engine.internal.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.BucketMount;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.MountBucketOptions;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.WatchOptions;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import dev.sandboxjobs.engine.internal.s3.S3Access;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mounted bucket: its objects copied into a directory of the sandbox as one streamed tar, and
 * for a read-write mount, the directory's changes (from a recursive {@link RealFileWatch}) applied
 * to the bucket by one thread, in order. The sandbox itself never talks to the bucket and never
 * sees its credentials.
 */
final class BucketSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BucketSync.class);
    static final String MARKER = ".sandbox-jobs-sync-";
    private static final int MAX_FAILURES = 100;

    private final SandboxRuntime sandbox;
    private final String bucket;
    private final String path;
    private final MountBucketOptions options;
    private final S3Access s3;
    private final ExecutorService uploader;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, CompletableFuture<Void>> markers = new ConcurrentHashMap<>();
    private volatile RealFileWatch watch;

    private BucketSync(SandboxRuntime sandbox, String bucket, String path, MountBucketOptions options, S3Access s3) {
        this.sandbox = sandbox;
        this.bucket = bucket;
        this.path = path;
        this.options = options;
        this.s3 = s3;
        this.uploader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sandbox-jobs-bucket-" + bucket);
            t.setDaemon(true);
            return t;
        });
    }

    static BucketSync mount(SandboxRuntime sandbox, String bucket, String path, MountBucketOptions options) {
        S3Access s3 = S3Access.open(options.bucket(bucket));
        BucketSync sync = new BucketSync(sandbox, bucket, path, options, s3);
        try {
            sync.start();
            return sync;
        } catch (RuntimeException e) {
            sync.close();
            throw e;
        }
    }

    private void start() {
        s3.check();
        List<S3Access.Entry> objects = s3.list("");
        long total = objects.stream().mapToLong(S3Access.Entry::size).sum();
        if (total > options.maxBytes()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Bucket " + bucket + (s3.bucket().prefix().isEmpty() ? ""
                    : " under " + s3.bucket().prefix()) + " holds " + total + " bytes, more than the mount's maxBytes ("
                    + options.maxBytes() + "). Mount a narrower prefix, or raise maxBytes.");
        }
        sandbox.call(() -> {
            prepareDirectory();
            copyIn(objects);
            return null;
        });
        if (options.readOnly()) {
            root(List.of("chmod", "0555", path), "make " + path + " read-only");
        } else {
            giveToSandboxUser();
            watch = RealFileWatch.start(sandbox, path, WatchOptions.builder().recursive(true).build(), this::onEvent);
        }
    }

    private void prepareDirectory() {
        // the directory is made and filled as root: a path that code in the sandbox turned into
        // (or through) a symbolic link would have the bucket written, as root, where the link points
        ExecOutput resolved = sandbox.containers.exec(sandbox.containerId(), List.of("readlink", "-m", "--", path),
                List.of(), null, 1 << 16, Containers.ROOT);
        if (resolved.exitCode() != 0 || !resolved.stdoutText().strip().equals(path)) {
            throw new SandboxException(ErrorCode.PATH_NOT_ALLOWED, path + " in sandbox " + sandbox.id + " goes through a"
                    + " symbolic link (to " + resolved.stdoutText().strip() + "); mount a bucket on a real directory.");
        }
        root(List.of("mkdir", "-p", path), "create " + path);
        ExecOutput listing = sandbox.runInternal(List.of("find", path, "-mindepth", "1", "-maxdepth", "1", "-print", "-quit"), 4096);
        if (listing.exitCode() != 0) {
            throw new SandboxException(ErrorCode.NOT_A_DIRECTORY, path + " in sandbox " + sandbox.id + " is not a directory.");
        }
        if (!listing.stdoutText().isBlank()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, path + " in sandbox " + sandbox.id + " is not empty;"
                    + " mount a bucket on an empty or new directory.");
        }
    }

    /**
     * Streams every object into the directory as one tar, written in this thread onto the archive
     * request (no copy on the engine's host).
     */
    private void copyIn(List<S3Access.Entry> objects) {
        int[] owner = options.readOnly() ? new int[] {0, 0} : owner();
        try {
            sandbox.containers.putArchive(sandbox.containerId(), path, out -> writeTar(out, objects, owner));
        } catch (DockerException e) {
            throw DockerErrors.error("Cannot copy bucket " + bucket + " into " + path, e);
        } catch (SandboxException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            throw new SandboxException(ErrorCode.BUCKET_UNAVAILABLE, "Copying bucket " + bucket + " into " + path
                    + " failed: " + cause.getMessage(), cause);
        }
    }

    private void writeTar(OutputStream out, List<S3Access.Entry> objects, int[] owner) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Set<String> dirs = new HashSet<>();
        int fileMode = options.readOnly() ? 0444 : 0644;
        int dirMode = options.readOnly() ? 0555 : 0755;
        for (S3Access.Entry object : objects) {
            String key = object.key();
            if (!safe(key)) {
                LOG.warn("Skipping object {} of bucket {}: not a safe relative path", key, bucket);
                continue;
            }
            boolean directoryMarker = key.endsWith("/");
            String name = directoryMarker ? key.substring(0, key.length() - 1) : key;
            int slash = name.indexOf('/');
            while (slash > 0) {
                addDir(tar, dirs, name.substring(0, slash), dirMode, owner);
                slash = name.indexOf('/', slash + 1);
            }
            if (directoryMarker) {
                addDir(tar, dirs, name, dirMode, owner);
                continue;
            }
            Optional<InputStream> content = s3.get(key);
            if (content.isEmpty()) {
                continue;
            }
            try (InputStream in = content.get()) {
                byte[] head = in.readNBytes((int) Math.min(object.size(), Integer.MAX_VALUE - 8));
                TarArchiveEntry e = new TarArchiveEntry(name);
                if (head.length == object.size()) {
                    e.setSize(object.size());
                    e.setMode(0100000 | fileMode);
                    e.setIds(owner[0], owner[1]);
                    tar.putArchiveEntry(e);
                    tar.write(head);
                    tar.closeArchiveEntry();
                } else {
                    LOG.warn("Object {} of bucket {} changed while it was copied; skipped", key, bucket);
                }
            }
        }
        tar.finish();
        tar.flush();
    }

    private static void addDir(TarArchiveOutputStream tar, Set<String> dirs, String name, int mode, int[] owner)
            throws IOException {
        if (dirs.add(name)) {
            TarArchiveEntry e = new TarArchiveEntry(name + "/");
            e.setMode(040000 | mode);
            e.setIds(owner[0], owner[1]);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
    }

    /** Object keys become paths: nothing absolute, no {@code ..}, no NUL, no empty segment. */
    static boolean safe(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.indexOf('\0') >= 0) {
            return false;
        }
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String part : k.split("/", -1)) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                return false;
            }
        }
        return true;
    }

    private int[] owner() {
        ExecOutput out = sandbox.runInternal(List.of("sh", "-c", "id -u; id -g"), 4096);
        String[] lines = out.stdoutText().strip().split("\\s+");
        try {
            return new int[] {Integer.parseInt(lines[0]), Integer.parseInt(lines[1])};
        } catch (RuntimeException e) {
            return new int[] {0, 0};
        }
    }

    // ----- read-write: the directory's changes to the bucket

    private void onEvent(JsonNode line) {
        String event = line.path("event").asText();
        String changed = line.path("path").asText();
        boolean dir = line.path("dir").asBoolean();
        String relative = Globs.relative(path, changed);
        if (relative == null || relative.isEmpty()) {
            return;
        }
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        if (name.startsWith(MARKER)) {
            if (event.equals("create")) {
                CompletableFuture<Void> seen = markers.get(name);
                if (seen != null) {
                    uploader.execute(() -> seen.complete(null));
                }
            }
            return;
        }
        Runnable task = switch (event) {
            case "close_write" -> dir ? null : () -> upload(changed, relative);
            case "move_to" -> dir ? () -> uploadTree(changed) : () -> upload(changed, relative);
            // files written in a new directory before the watcher's watch on it was in place
            // (mkdir -p d && echo x > d/f) have no event of their own: what is there is uploaded
            // now, what is closed later comes with its close_write
            case "create" -> dir ? () -> uploadTree(changed) : null;
            case "delete", "move_from" -> dir ? () -> deleteTree(relative + "/") : () -> s3.delete(relative);
            default -> null;
        };
        if (task != null) {
            uploader.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    failed(relative, e);
                }
            });
        }
    }

    private void upload(String file, String key) {
        try (InputStream raw = sandbox.containers.getArchive(sandbox.containerId(), file);
             TarArchiveInputStream tar = new TarArchiveInputStream(raw, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry != null && entry.isFile()) {
                s3.put(key, tar, entry.getSize());
            }
        } catch (NotFoundException e) {
            // deleted or moved again before it could be read: its own event follows
        } catch (IOException e) {
            failed(key, e);
        }
    }

    private void uploadTree(String dir) {
        ExecOutput files = sandbox.runInternal(List.of("find", dir, "-type", "f", "-print0"), 64L << 20);
        for (String file : files.stdoutText().split("\0")) {
            String relative = file.isEmpty() ? null : Globs.relative(path, file);
            if (relative != null && !relative.isEmpty()) {
                upload(file, relative);
            }
        }
    }

    private void deleteTree(String prefix) {
        for (S3Access.Entry e : s3.list(prefix)) {
            s3.delete(e.key());
        }
    }

    private void failed(String key, Exception e) {
        LOG.warn("Bucket {}: could not apply the change of {}: {}", bucket, key, e.getMessage());
        synchronized (failures) {
            if (failures.size() < MAX_FAILURES) {
                failures.add(key + " (" + e.getMessage() + ")");
            }
        }
    }

    /**
     * Waits until every change made in the directory before this call has been applied: a marker
     * file is created, and once its event came through the watch (events are in order) and the
     * changes queued before it ran, everything earlier is in the bucket.
     */
    void flush() {
        RealFileWatch w = watch;
        if (options.readOnly() || w == null || !w.isActive()) {
            return;
        }
        String name = MARKER + UUID.randomUUID();
        CompletableFuture<Void> seen = new CompletableFuture<>();
        markers.put(name, seen);
        try {
            root(List.of("touch", path + "/" + name), "flush " + path);
            seen.get(2, TimeUnit.MINUTES);
        } catch (SandboxException e) {
            throw e;
        } catch (Exception e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The changes in " + path + " could not be flushed to bucket "
                    + bucket + ": " + e, e);
        } finally {
            markers.remove(name);
            sandbox.runInternal(List.of("rm", "-f", path + "/" + name), 4096);
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw new SandboxException(ErrorCode.BUCKET_UNAVAILABLE, "Some changes in " + path + " did not reach bucket "
                        + bucket + ": " + String.join(", ", failures));
            }
        }
    }

    /** Empties the directory (as root: a read-only mount's files belong to root). */
    void clear() {
        root(List.of("find", path, "-mindepth", "1", "-delete"), "empty " + path);
        root(List.of("chmod", "0755", path), "reset " + path);
    }

    /** A read-write mount belongs to the sandbox's user (commands do not run as root), so it can write there. */
    private void giveToSandboxUser() {
        String user = sandbox.containers.userOf(sandbox.containerId());
        if (user != null) {
            root(List.of("chown", "-R", user, path), "give " + path + " to " + user);
        }
    }

    private void root(List<String> argv, String what) {
        ExecOutput out = sandbox.containers.exec(sandbox.containerId(), argv, List.of(), null, 1 << 16, Containers.ROOT);
        if (out.exitCode() != 0) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot " + what + " in sandbox " + sandbox.id + ": "
                    + out.stderrText().strip());
        }
    }

    BucketMount describe() {
        RealFileWatch w = watch;
        return new BucketMount(bucket, path, s3.bucket().prefix(), options.readOnly(), options.readOnly() || (w != null && w.isActive()));
    }

    @Override
    public void close() {
        RealFileWatch w = watch;
        if (w != null) {
            w.close();
        }
        uploader.shutdown();
        s3.close();
    }
}
