package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.DockerException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.Containers.TarBody;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.TarExtraction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a directory of the host into a sandbox as one tar stream, extracted by the sandbox's user
 * ({@link TarExtraction}) and owned by that user.
 */
final class DirectoryCopy {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryCopy.class);
    private final SandboxRuntime sandbox;

    DirectoryCopy(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    /** Streams the host directory {@code source} into {@code abs} as one tar, owned by the sandbox's user. */
    void copyIn(Path source, String abs) {
        Path root = source.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No directory at " + source
                    + " on the host. Give the path of an existing directory.");
        }
        sandbox.call(() -> {
            // made if missing, as the user: the user must be allowed to write there itself
            FileOps.check(FileOps.fileOp(sandbox, List.of("mkdirw", abs)), abs);
            int[] owner = new FileOwner(sandbox).ids();
            // the tar is written in this thread straight onto the connection
            TarBody body = out -> writeDirectoryTar(out, root, owner[0], owner[1]);
            try {
                if (!extractAsTheUser(root, abs, body, owner[0] == 0)) {
                    // Docker extracts as root, into the path as it finds it then
                    sandbox.containers.putArchive(sandbox.containerId(), abs, body);
                }
            } catch (DockerException e) {
                throw DockerErrors.error("Cannot copy " + root + " into " + abs, e);
            } catch (UncheckedIOException e) {
                // reading the host's files failed (or, rarely, the connection to Docker broke)
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Copying " + root + " into " + abs + " failed: "
                        + DockerErrors.rootMessage(e), e);
            }
            return null;
        });
    }

    /**
     * Extracts the tree with {@code tar} run as the sandbox's user, so that no file can land where
     * the user cannot write, even if code in the sandbox swaps {@code abs} (or a directory in it) for
     * a link meanwhile. False when that is not possible here (a Docker host reached over TLS or ssh,
     * an image without {@code tar}): nothing was extracted then.
     */
    private boolean extractAsTheUser(Path root, String abs, TarBody body, boolean rootUser) {
        TarExtraction extraction = sandbox.services.extraction();
        if (extraction == null) {
            return false;
        }
        String containerId = sandbox.containerId();
        TarExtraction.Outcome outcome = extraction.extract(containerId, sandbox.containers.userOf(containerId), abs, body);
        if (outcome.succeeded()) {
            return true;
        }
        // Docker's archive endpoint extracts as root: for another user only when tar is really
        // missing, never because an exec failed to start (code in the sandbox can make it fail)
        if (outcome.maybeNotStarted() && (rootUser || tarIsMissing())) {
            LOG.debug("tar did not run in sandbox {} (exit {}: {}); copying {} through Docker's archive endpoint",
                    sandbox.id(), outcome.exitCode(), outcome.output(), root);
            return false;
        }
        String err = outcome.output();
        // tar says "File exists" for a file it could not replace in a directory the user cannot write
        boolean denied = err.contains("Permission denied") || err.contains("File exists")
                || err.contains("Cannot change mode") || err.contains("Cannot utime");
        throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Copying " + root + " into " + abs + " failed: tar, run"
                + " as the sandbox's user, exited with " + outcome.exitCode() + (err.isEmpty() ? "" : ": " + err)
                + (denied ? "\nThe sandbox's user may not write everywhere the copy goes: a directory of " + abs
                + " is not writable to it, or belongs to another user (one it made read-only can be made writable"
                + " first: chmod -R u+w)." : "")
                + "\nWhat tar could write stays in " + abs + ".");
    }

    /** Whether the sandbox's user has no {@code tar} (asked through a helper shell, not a new exec). */
    private boolean tarIsMissing() {
        return sandbox.runInternal(List.of("sh", "-c", "command -v tar >/dev/null || exit 3"), 4096).exitCode() == 3;
    }

    private static void writeDirectoryTar(OutputStream out, Path root, int uid, int gid)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir,
                    BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    TarArchiveEntry e = new TarArchiveEntry(name(dir) + "/");
                    e.setMode(040000 | mode(dir, 0755));
                    own(e);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file,
                    BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    TarArchiveEntry e = new TarArchiveEntry(name(file), TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(file).toString());
                    own(e);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                } else if (attrs.isRegularFile()) {
                    TarArchiveEntry e = new TarArchiveEntry(name(file));
                    e.setSize(attrs.size());
                    e.setMode(0100000 | mode(file, 0644));
                    e.setModTime(attrs.lastModifiedTime().toMillis());
                    own(e);
                    tar.putArchiveEntry(e);
                    try (InputStream in = Files.newInputStream(file)) {
                        in.transferTo(new FileWrites.BoundedOut(tar, attrs.size()));
                    }
                    tar.closeArchiveEntry();
                }
                return FileVisitResult.CONTINUE;
            }

            private String name(Path p) {
                return root.relativize(p).toString().replace('\\', '/');
            }

            private void own(TarArchiveEntry e) {
                e.setIds(uid, gid);
                // no names: tar run as root would map a name to the sandbox's account of that name
                // before it looked at the ids
                e.setUserName("");
                e.setGroupName("");
            }
        });
        tar.finish();
        tar.flush();
    }

    private static int mode(Path p, int fallback) {
        try {
            int mode = 0;
            for (PosixFilePermission perm : Files.getPosixFilePermissions(p,
                    LinkOption.NOFOLLOW_LINKS)) {
                mode |= 1 << (8 - perm.ordinal());
            }
            return mode;
        } catch (UnsupportedOperationException | IOException e) {
            return fallback;
        }
    }
}
