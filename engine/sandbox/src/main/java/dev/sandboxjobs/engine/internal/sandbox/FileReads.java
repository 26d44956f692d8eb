package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads files: a plain regular file up to 16 MiB as raw bytes over the engine's persistent shell
 * ({@code cat}), anything larger or not plain (a symbolic link is followed) through Docker's
 * archive API, streamed.
 */
final class FileReads {
    private final SandboxRuntime sandbox;

    FileReads(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    /**
     * Files up to this size travel over the engine's persistent shell (reads and writes: no tar,
     * no archive endpoint, one round trip); larger ones over Docker's archive API, whose streaming
     * of the daemon's tar is faster for big files than an exec's stdio. Writes take the same limit
     * ({@link FileWrites}).
     */
    static final long SMALL_STREAM = 16L << 20;

    /** Opens the file's bytes; the caller closes the stream (which closes Docker's response). */
    InputStream open(String abs) {
        byte[] small = sandbox.call(() -> readOverShell(abs, SMALL_STREAM));
        if (small != null) {
            return new ByteArrayInputStream(small);
        }
        return open(abs, 0);
    }

    /**
     * A regular file's bytes through the engine's persistent shell (one round trip, no archive),
     * or null when it is not a plain readable file (or is larger than {@code max}): the archive
     * path then gives the exact error or streams it.
     */
    private byte[] readOverShell(String abs, long max) {
        // the shell's own functions (no script to start); without a limit, a file at the cap takes the archive path
        List<String> op = List.of("read", abs, Long.toString(max));
        List<String> argv = max > 0 ? Scripts.fileOpsCall(op) : List.of("__sj_read", abs);
        long cap = Integer.MAX_VALUE - 64;
        ExecOutput out;
        try {
            out = sandbox.internalShell.run(sandbox.containerId(), argv, max > 0 ? Scripts.fileOpsScript(op) : argv, cap);
        } catch (ConflictException | NotFoundException e) {
            throw e; // the container stopped or is gone: SandboxRuntime.call recovers
        } catch (RuntimeException e) {
            return null; // e.g. the Docker-exec fallback cannot run the shell's function: the archive path can
        }
        if (out.exitCode() == 11) {
            throw new SandboxException(ErrorCode.IS_A_DIRECTORY, abs + " is a directory; use listFiles to read a directory.");
        }
        return out.exitCode() == 0 && out.stdout().length < cap ? out.stdout() : null;
    }

    /** Symbolic links followed before giving up, as the kernel's ELOOP limit. */
    private static final int MAX_LINKS = 40;

    private InputStream open(String abs, int links) {
        if (links > MAX_LINKS) {
            throw new SandboxException(ErrorCode.INVALID_PATH, abs + " is a symbolic link in a loop (more than "
                    + MAX_LINKS + " links followed); point the link at a real file.");
        }
        return sandbox.call(() -> {
            // a directory would come back as a tar of its whole tree: refuse it before asking Docker
            if (FileOps.fileOp(sandbox, List.of("stat", abs)).exitCode() == 11) {
                throw new SandboxException(ErrorCode.IS_A_DIRECTORY, abs + " is a directory; use listFiles to read a directory.");
            }
            InputStream raw;
            try {
                raw = sandbox.containers.getArchive(sandbox.containerId(), abs);
            } catch (NotFoundException e) {
                throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No file at " + abs + ". Check the path with exists() or listFiles().");
            } catch (DockerException e) {
                String m = DockerErrors.rootMessage(e).toLowerCase();
                if (m.contains("name too long")) {
                    throw new SandboxException(ErrorCode.INVALID_PATH, "A name in " + abs + " is longer than the file"
                            + " system allows (255 bytes per name); shorten it.", e);
                }
                if (m.contains("not a directory")) {
                    throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No file at " + abs + ": a parent is a file,"
                            + " not a directory.", e);
                }
                if (m.contains("too many levels of symbolic links")) {
                    throw new SandboxException(ErrorCode.INVALID_PATH, abs + " goes through a symbolic link loop.", e);
                }
                throw DockerErrors.error("Cannot read " + abs, e);
            }
            try {
                TarArchiveInputStream tar = new TarArchiveInputStream(raw); // buffered already (Containers.getArchive)
                TarArchiveEntry entry = tar.getNextEntry();
                if (entry == null) {
                    raw.close();
                    throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No file at " + abs + ".");
                }
                if (entry.isDirectory()) {
                    raw.close();
                    throw new SandboxException(ErrorCode.IS_A_DIRECTORY, abs + " is a directory; use listFiles to read a directory.");
                }
                if (entry.isSymbolicLink()) {
                    raw.close();
                    String target = PosixPaths.resolve(entry.getLinkName(), PosixPaths.parent(abs));
                    return open(target, links + 1);
                }
                return new FilterInputStream(tar) {
                    @Override
                    public void close() throws IOException {
                        raw.close();
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    byte[] readAll(String abs) {
        byte[] bytes = sandbox.call(() -> readOverShell(abs, 0));
        if (bytes != null) {
            return bytes;
        }
        try (InputStream in = open(abs, 0)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Reading " + abs + " failed: " + e.getMessage(), e);
        }
    }
}
