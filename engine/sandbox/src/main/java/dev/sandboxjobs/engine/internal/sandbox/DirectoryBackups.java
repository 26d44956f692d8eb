package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.DockerException;
import dev.sandboxjobs.engine.BackupOptions;
import dev.sandboxjobs.engine.DirectoryBackup;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.backup.BackupStore;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory backups: the directory leaves the container as Docker's tar stream, is filtered
 * (excludes, gitignore) and gzipped on the engine's side into a temporary file, then handed to
 * the store. A restore empties the target directory and sends the archive back through Docker's
 * archive API (which takes gzip as is). Nothing runs in the sandbox but {@code test}, {@code find},
 * {@code mkdir} and, for gitignore, {@code git}, as argv.
 */
final class DirectoryBackups {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryBackups.class);
    /** Where backups may be made and restored, as in the seed. */
    static final List<String> ALLOWED_ROOTS = List.of("/workspace", "/home", "/tmp", "/var/tmp", "/app");
    /** The hidden directory a restore extracts into, inside the target, before it replaces the target's content. */
    static final String STAGING_PREFIX = ".sj-restore-";

    private DirectoryBackups() {}

    static DirectoryBackup create(SandboxRuntime sandbox, BackupStore store, String dir, BackupOptions options) {
        checkAllowed(dir);
        return sandbox.call(() -> {
            checkDirectory(sandbox, dir);
            Set<String> ignored = options.gitignore() ? gitIgnored(sandbox, dir) : Set.of();
            Globs excludes = new Globs(options.excludes());
            Path archive;
            try {
                archive = Files.createTempFile("sandbox-jobs-backup-", ".tar.gz");
            } catch (IOException e) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot create a temporary file for the backup: "
                        + e.getMessage(), e);
            }
            try {
                try (InputStream raw = sandbox.containers.getArchive(sandbox.containerId(), dir);
                     OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16)) {
                    copyFiltered(raw, file, excludes, ignored);
                } catch (DockerException e) {
                    throw DockerErrors.error("Cannot read " + dir + " from sandbox " + sandbox.id, e);
                } catch (IOException e) {
                    throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Backing up " + dir + " of sandbox " + sandbox.id
                            + " failed: " + e.getMessage(), e);
                }
                Instant now = sandbox.clock.instant().truncatedTo(ChronoUnit.MILLIS);
                DirectoryBackup backup = new DirectoryBackup(UUID.randomUUID().toString(), dir, options.name(), sandbox.id,
                        now, now.plus(options.ttl()), Files.size(archive));
                store.put(backup, archive);
                return backup;
            } catch (IOException e) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Backing up " + dir + " failed: " + e.getMessage(), e);
            } finally {
                try {
                    Files.deleteIfExists(archive);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}", archive, e);
                }
            }
        });
    }

    static void restore(SandboxRuntime sandbox, BackupStore store, DirectoryBackup backup, String target) {
        if (backup == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The backup to restore is null.");
        }
        checkAllowed(target);
        DirectoryBackup stored = store.find(backup.id()).orElseThrow(() -> notFound(backup.id(), store));
        if (!stored.expiresAt().isAfter(sandbox.clock.instant())) {
            throw new SandboxException(ErrorCode.BACKUP_NOT_FOUND, "Backup " + backup.id() + " expired at "
                    + stored.expiresAt() + " and can no longer be restored. Make backups with a longer ttl"
                    + " (BackupOptions.ttl) to keep them longer.");
        }
        sandbox.call(() -> {
            internal(sandbox, List.of("mkdir", "-p", target), "create " + target);
            // Docker extracts the archive as root: the sandbox's user must be able to write the
            // directory (not, say, a link that code in the sandbox pointed at /etc)
            FileOps.check(FileOps.fileOp(sandbox, List.of("wdir", target)), target);
            // extracted beside what the directory holds, which is replaced only once the whole
            // backup is there: a backup that cannot be read to its end, or a full disk, leaves the
            // directory as it was
            String staging = (target.endsWith("/") ? target : target + "/") + STAGING_PREFIX
                    + HexFormat.of().formatHex(SandboxRuntime.randomBytes(6));
            internal(sandbox, List.of("mkdir", "--", staging), "create " + staging);
            try {
                extract(sandbox, store, backup, staging, target);
                // the directory becomes exactly the backup: what was added since is removed
                replace(sandbox, target, staging);
            } catch (RuntimeException e) {
                ExecOutput cleanup = FileOps.fileOp(sandbox, List.of("purge", staging));
                if (cleanup.exitCode() != 0) {
                    LOG.warn("Could not remove {} in sandbox {} after a failed restore: {}", staging, sandbox.id,
                            cleanup.stderrText().strip());
                }
                throw e;
            }
            return null;
        });
    }

    /** Replaces what {@code target} holds with what {@code staging} (inside it) holds, as the sandbox's user. */
    private static void replace(SandboxRuntime sandbox, String target, String staging) {
        ExecOutput out = FileOps.fileOp(sandbox, List.of("replace", target, staging));
        String detail = out.stderrText().strip();
        switch (out.exitCode()) {
            case 0 -> { }
            case 16 -> throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot restore into " + target + " of sandbox "
                    + sandbox.id + ": what it held could not all be removed (" + detail + "); the backup was not put there.");
            default -> throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot restore into " + target + " of sandbox "
                    + sandbox.id + ": moving the extracted backup into place failed (" + detail + ").");
        }
    }

    /** Streams the stored archive into {@code directory}. */
    private static void extract(SandboxRuntime sandbox, BackupStore store, DirectoryBackup backup, String directory,
                                String target) {
        IOException[] readFailure = new IOException[1];
        try (InputStream archive = store.open(backup.id()).orElseThrow(() -> notFound(backup.id(), store))) {
            sandbox.containers.putArchive(sandbox.containerId(), directory, out -> {
                byte[] buffer = new byte[1 << 16];
                for (int n; ; ) {
                    try {
                        n = archive.read(buffer);
                    } catch (IOException e) {
                        readFailure[0] = e;
                        throw e;
                    }
                    if (n < 0) {
                        return;
                    }
                    out.write(buffer, 0, n);
                }
            });
        } catch (DockerException e) {
            throw DockerErrors.error("Cannot restore backup " + backup.id() + " into " + target, e);
        } catch (IOException e) {
            throw readFailed(backup, e); // opening or closing the stored archive
        } catch (UncheckedIOException e) {
            if (readFailure[0] != null) {
                throw readFailed(backup, readFailure[0]);
            }
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot restore backup " + backup.id() + " into "
                    + target + ": the Docker engine's connection failed: " + e.getCause().getMessage(), e);
        }
    }

    private static SandboxException readFailed(DirectoryBackup backup, IOException e) {
        return new SandboxException(ErrorCode.SANDBOX_ERROR, "Reading backup " + backup.id() + " failed: "
                + e.getMessage(), e);
    }

    static SandboxException notFound(String id, BackupStore store) {
        return new SandboxException(ErrorCode.BACKUP_NOT_FOUND, "No backup " + id + " in " + store.location()
                + ": it was never made there, was deleted, or expired. List them with engine.listBackups().");
    }

    static void checkAllowed(String dir) {
        for (String root : ALLOWED_ROOTS) {
            if (dir.equals(root) || dir.startsWith(root + "/")) {
                return;
            }
        }
        throw new SandboxException(ErrorCode.PATH_NOT_ALLOWED, dir + " is outside the directories backups may"
                + " hold: " + String.join(", ", ALLOWED_ROOTS) + ". Back up a directory under one of them.");
    }

    private static void checkDirectory(SandboxRuntime sandbox, String dir) {
        if (sandbox.runInternal(List.of("test", "-d", dir), 1024).exitCode() == 0) {
            return;
        }
        if (sandbox.runInternal(List.of("test", "-e", dir), 1024).exitCode() == 0) {
            throw new SandboxException(ErrorCode.NOT_A_DIRECTORY, dir + " in sandbox " + sandbox.id
                    + " is a file; back up the directory that holds it.");
        }
        throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No directory " + dir + " in sandbox " + sandbox.id + ".");
    }

    private static void internal(SandboxRuntime sandbox, List<String> argv, String what) {
        ExecOutput out = sandbox.runInternal(argv, 1 << 16);
        if (out.exitCode() != 0) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot " + what + " in sandbox " + sandbox.id + ": "
                    + out.stderrText().strip());
        }
    }

    /** The paths (relative to {@code dir}; directories end with /) that git ignores there; none outside a repository. */
    private static Set<String> gitIgnored(SandboxRuntime sandbox, String dir) {
        ExecOutput out = sandbox.runInternal(List.of("git", "-C", dir, "ls-files", "--others", "--ignored",
                "--exclude-standard", "--directory", "-z"), 64L << 20);
        if (out.exitCode() == 127) {
            LOG.warn("gitignore was asked for the backup of {} in sandbox {}, but its image has no git; nothing is"
                    + " left out for it", dir, sandbox.id);
            return Set.of();
        }
        if (out.exitCode() != 0) {
            return Set.of();
        }
        Set<String> ignored = new HashSet<>();
        for (String p : new String(out.stdout(), StandardCharsets.UTF_8).split("\0")) {
            if (!p.isEmpty()) {
                ignored.add(p);
            }
        }
        return ignored;
    }

    /** Docker's tar of {@code dir} (entries under its base name) into a gzipped tar of entries relative to it. */
    private static void copyFiltered(InputStream raw, OutputStream out, Globs excludes, Set<String> ignored) throws IOException {
        TarArchiveInputStream in = new TarArchiveInputStream(raw, StandardCharsets.UTF_8.name());
        GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveEntry entry;
        while ((entry = in.getNextEntry()) != null) {
            String relative = stripFirst(entry.getName());
            if (relative.isEmpty() || excluded(relative, entry.isDirectory(), excludes, ignored)) {
                continue;
            }
            TarArchiveEntry copy = new TarArchiveEntry(entry.isDirectory() ? relative + "/" : relative, entry.getLinkFlag());
            copy.setMode(entry.getMode());
            copy.setUserId(entry.getLongUserId());
            copy.setGroupId(entry.getLongGroupId());
            copy.setModTime(entry.getModTime());
            if (entry.isSymbolicLink()) {
                copy.setLinkName(entry.getLinkName());
            } else if (entry.isLink()) {
                copy.setLinkName(stripFirst(entry.getLinkName()));
            }
            if (entry.isFile() && !entry.isLink()) {
                copy.setSize(entry.getSize());
            }
            tar.putArchiveEntry(copy);
            if (entry.isFile() && !entry.isLink()) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        gzip.finish();
        gzip.flush();
    }

    private static boolean excluded(String relative, boolean directory, Globs excludes, Set<String> ignored) {
        if (!excludes.isEmpty() && excludes.matches(relative)) {
            return true;
        }
        if (ignored.isEmpty()) {
            return false;
        }
        if (ignored.contains(relative) || (directory && ignored.contains(relative + "/"))) {
            return true;
        }
        int slash = relative.indexOf('/');
        while (slash > 0) {
            if (ignored.contains(relative.substring(0, slash + 1))) {
                return true;
            }
            slash = relative.indexOf('/', slash + 1);
        }
        return false;
    }

    private static String stripFirst(String name) {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = n.indexOf('/');
        return slash < 0 ? "" : n.substring(slash + 1);
    }
}
