package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files: small ones held in memory as the sandbox's user through a helper shell (the content
 * as one argument record, never as bytes on a shell's stdin, where a writer that stopped early
 * would leave the rest to be read as commands); the others through Docker's archive API as a tar
 * stream, under a random name renamed into place by the user; streams of unknown length in chunks
 * joined at the end.
 */
final class FileWrites {
    private static final Logger LOG = LoggerFactory.getLogger(FileWrites.class);
    /** Chunk size for streams of unknown length. */
    private static final int CHUNK = 8 << 20;
    /**
     * Byte arrays up to this size are written as one argument record of a helper shell's call
     * ({@link #writeThroughShell}); larger ones are streamed to its stdin ({@link #streamThroughShell}),
     * which is faster from about here on (the shell reads a record a byte at a time: by hand, p50 of
     * 21, 4 KiB 21 against 25 ms, 16 KiB 39 against 26 ms).
     */
    static final int SHELL_WRITE_MAX = 8 << 10;
    private static final Duration SHELL_WRITE_TIMEOUT = Duration.ofMinutes(1);
    /** How long a write streamed to a helper shell may go without a byte moving before it is given up. */
    private static final Duration STREAM_STALL = Duration.ofMinutes(1);

    private final SandboxRuntime sandbox;
    private final FileOwner owner;

    FileWrites(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
        this.owner = new FileOwner(sandbox);
    }

    void write(String abs, byte[] content) {
        sandbox.call(() -> {
            if (content.length > SHELL_WRITE_MAX || !writeThroughShell(abs, content)) {
                putFile(abs, new ByteArrayInputStream(content), content.length);
            }
            return null;
        });
    }

    /**
     * Writes a small file as the sandbox's user through one of its helper shells: the content
     * travels as one argument record (as it is when it is UTF-8 text without NUL, which a shell
     * variable holds, else base64-encoded), is written into a file beside the target and renamed
     * over it. The kernel checks every step as the user, and no Docker archive extraction
     * (about 150 ms here, as root) is involved. False when no helper shell can take the call: the
     * content never goes to a Docker exec's arguments, which Docker keeps with the exec.
     */
    private boolean writeThroughShell(String abs, byte[] content) {
        fileName(abs);
        String text = nulFreeUtf8(content);
        List<String> argv = List.of("__sj_put", abs, text != null ? "text" : "base64",
                text != null ? text : Base64.getEncoder().encodeToString(content));
        ExecOutput out;
        try {
            out = sandbox.helperShells.call(sandbox.containerId(), argv, 64 * 1024, SHELL_WRITE_TIMEOUT);
        } catch (ConflictException | NotFoundException e) {
            throw e; // the container stopped or is gone: the archive API would fail alike
        } catch (RuntimeException e) {
            LOG.debug("No helper shell for a write in sandbox {}; using Docker's archive API", sandbox.id, e);
            return false;
        }
        FileOps.check(out, abs);
        return true;
    }

    void write(String abs, InputStream content, long size) {
        if (size < 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The size must not be negative.");
        }
        sandbox.call(() -> {
            putFile(abs, content, size);
            return null;
        });
    }

    /** Writes a stream of unknown length in chunks of at most 8 MiB, joined by one {@code cat} at the end. */
    void write(String abs, InputStream content) {
        sandbox.call(() -> {
            try {
                byte[] first = content.readNBytes(CHUNK);
                if (first.length < CHUNK) {
                    putFile(abs, new ByteArrayInputStream(first), first.length);
                    return null;
                }
                List<String> parts = new ArrayList<>();
                String base = abs + ".sj-part-" + Long.toHexString(System.nanoTime());
                byte[] chunk = first;
                try {
                    while (chunk.length > 0) {
                        String part = base + "-" + parts.size();
                        putFile(part, new ByteArrayInputStream(chunk), chunk.length);
                        parts.add(part);
                        chunk = content.readNBytes(CHUNK);
                    }
                    List<String> argv = new ArrayList<>(List.of("concat", abs));
                    argv.addAll(parts);
                    FileOps.check(FileOps.fileOp(sandbox, argv), abs);
                } catch (RuntimeException e) {
                    List<String> cleanup = new ArrayList<>(List.of("concat", "/dev/null"));
                    cleanup.addAll(parts);
                    FileOps.fileOp(sandbox, cleanup);
                    throw e;
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void putFile(String abs, InputStream content, long size) {
        String name = fileName(abs);
        // larger files move faster through Docker's archive API, as reads do (its fixed ~150 ms is then worth it)
        if (size <= FileReads.SMALL_STREAM && streamThroughShell(abs, content, size)) {
            checkNoMore(content, abs);
            return;
        }
        if (content.getClass() == ByteArrayInputStream.class && owner.ids()[0] == 0) {
            // root may write anywhere in its container, and all of the content is at hand
            checkWritable(abs);
            sendArchive(abs, name, content, size);
            checkNoMore(content, abs);
            return;
        }
        // written under a random hidden name beside the file, then renamed into place by the
        // sandbox's user: a stream can fail halfway, after Docker has extracted part of it (no
        // partial file is ever seen); and Docker extracts as root into a directory it resolves
        // again after the check above, so code in the sandbox that swaps that directory for a link
        // meanwhile only makes a file of a name it cannot guess land elsewhere, the rename (which
        // the kernel checks as the user) fails, and that file is looked for and removed
        String parent = PosixPaths.parent(abs);
        String partialName = ".sj-partial-" + HexFormat.of().formatHex(SandboxRuntime.randomBytes(8));
        String partial = parent.endsWith("/") ? parent + partialName : parent + "/" + partialName;
        checkWritable(abs); // refused before anything is sent: no partial file anywhere
        try {
            sendArchive(abs, partialName, content, size);
            checkNoMore(content, partial);
        } catch (RuntimeException e) {
            // Docker may have extracted some or all of it before failing, and where it resolved the
            // directory then, which need not be where it is now: looked for everywhere when not here
            removePartial(partial, partialName);
            throw e;
        }
        try {
            ExecOutput renamed = FileOps.fileOp(sandbox, List.of("rename", partial, abs));
            if (renamed.exitCode() == 10) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Writing " + abs + " failed: its directory was"
                        + " replaced while the file was written (by a process in the sandbox?), and nothing was"
                        + " written. Write it again.");
            }
            FileOps.check(renamed, abs);
        } catch (RuntimeException e) {
            removePartial(partial, partialName);
            throw e;
        }
    }

    /**
     * Streams a file through one of the sandbox's helper shells, as its user: the bytes follow the
     * call on the shell's stdin ({@link Scripts#RECV_FILE}) into a file beside the target, renamed
     * over it. No Docker exec or archive extraction is started (about 90 and 150 ms here), and the
     * kernel checks every step as the user. False, with nothing read from {@code content}, when no
     * helper shell can take it (docker-java's attach, no {@code head}, no fork possible): then
     * Docker's archive API does.
     */
    private boolean streamThroughShell(String abs, InputStream content, long size) {
        String parent = PosixPaths.parent(abs);
        String partialName = ".sj-partial-" + HexFormat.of().formatHex(SandboxRuntime.randomBytes(8));
        String partial = parent.endsWith("/") ? parent + partialName : parent + "/" + partialName;
        boolean[] sent = new boolean[1];
        ShellSession.Received received;
        try {
            received = sandbox.helperShells.receive(sandbox.containerId(),
                    List.of("__sj_recv", abs, partial, Long.toString(size)), size, o -> {
                        sent[0] = true;
                        copyExactly(content, o, size);
                    }, STREAM_STALL);
        } catch (ContentFailure e) {
            removePartial(partial, partialName);
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Reading the content to write to " + abs
                    + " failed: " + e.getMessage(), e);
        } catch (ConflictException | NotFoundException e) {
            throw e; // the container stopped or is gone: the archive API would fail alike
        } catch (RuntimeException e) {
            if (!sent[0]) {
                LOG.debug("No helper shell for a write in sandbox {}; using Docker's archive API", sandbox.id, e);
                return false;
            }
            removePartial(partial, partialName);
            throw DockerErrors.error("Writing " + abs + " failed", e);
        }
        if (received == null) {
            return false;
        }
        int exit = received.output().exitCode();
        if (!received.sent() && (exit < 11 || exit > 15)) {
            // the function could not start its pipeline (a sandbox at its process limit): Docker needs no process
            LOG.debug("A helper shell could not take a write in sandbox {} (exit {}: {}); using Docker's archive API",
                    sandbox.id, exit, received.output().stderrText().trim());
            return false;
        }
        FileOps.check(received.output(), abs);
        return true;
    }

    /**
     * Removes a partial file after a failure once Docker was sent the archive, as the sandbox's user.
     * In a sandbox that does not run as root, when the user cannot remove it where it was written
     * (there through a link to where the user may not write, or not there at all: its directory was
     * swapped meanwhile, see {@link #putFile}, or Docker failed before extracting it), root looks for
     * it by its random name in the container's own file system and removes it.
     */
    private void removePartial(String partial, String partialName) {
        try {
            int exit = FileOps.fileOp(sandbox, List.of("delete", partial)).exitCode();
            if (exit != 0 && owner.ids()[0] != 0) {
                sandbox.containers.exec(sandbox.containerId(), List.of("find", "/", "-xdev", "-type", "f", "-name",
                        partialName, "-delete"), List.of(), "/", 64 * 1024, Containers.ROOT);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not remove the partial file {} in sandbox {}", partial, sandbox.id, e);
        }
    }

    /** The name of the file {@code abs} writes; {@code /} is refused, as a directory. */
    private static String fileName(String abs) {
        String name = PosixPaths.name(abs);
        if (name.isEmpty()) {
            throw new SandboxException(ErrorCode.IS_A_DIRECTORY, "/ is a directory; give a file path.");
        }
        return name;
    }

    /** A stream with more bytes than its declared size is refused. */
    private void checkNoMore(InputStream content, String abs) {
        if (content.getClass() == ByteArrayInputStream.class && ((ByteArrayInputStream) content).available() == 0) {
            return;
        }
        int next;
        try {
            next = content.read();
        } catch (IOException e) {
            next = -1;
        }
        if (next >= 0) {
            FileOps.fileOp(sandbox, List.of("delete", abs));
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Reading the content to write to " + abs
                    + " failed: the stream has more bytes than the declared size");
        }
    }

    /**
     * Refuses a write to an existing directory (Docker would merge into it, not replace it) and,
     * as Docker extracts as root, one where the sandbox's user may not write itself.
     */
    private void checkWritable(String abs) {
        ExecOutput stat = FileOps.fileOp(sandbox, List.of("wfile", abs));
        if (stat.exitCode() == 11) {
            throw new SandboxException(ErrorCode.IS_A_DIRECTORY, abs + " is a directory; choose a file path.");
        }
        if (stat.exitCode() == 15) {
            FileOps.check(stat, abs);
        }
    }

    /** Writes through Docker's archive API, as {@code entry} in the directory of {@code abs}, as checked. */
    private void sendArchive(String abs, String entry, InputStream content, long size) {
        String parent = PosixPaths.parent(abs);
        try {
            sandbox.containers.putArchive(sandbox.containerId(), parent, out -> writeTar(out, entry, content, size, owner.ids()));
        } catch (ContentFailure e) {
            // Docker may have extracted the bytes sent before the failure: the caller removes them
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Reading the content to write to " + abs
                    + " failed: " + e.getMessage(), e);
        } catch (NotFoundException e) {
            throw missingParent(abs, parent);
        } catch (DockerException e) {
            String m = DockerErrors.rootMessage(e).toLowerCase();
            if (m.contains("not a directory")) {
                throw new SandboxException(ErrorCode.NOT_A_DIRECTORY, "A parent of " + abs + " is a file, not a directory.", e);
            }
            if (m.contains("directory")) {
                throw new SandboxException(ErrorCode.IS_A_DIRECTORY, abs + " is a directory; choose a file path.", e);
            }
            throw DockerErrors.error("Cannot write " + abs, e);
        }
    }

    /** The content as a string when it is valid UTF-8 without NUL characters; null otherwise. */
    static String nulFreeUtf8(byte[] content) {
        for (byte b : content) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private SandboxException missingParent(String abs, String parent) {
        ExecOutput stat = FileOps.fileOp(sandbox, List.of("stat", parent));
        if (stat.exitCode() == 0) {
            return new SandboxException(ErrorCode.NOT_A_DIRECTORY, parent + " is a file, not a directory; cannot write " + abs + ".");
        }
        return new SandboxException(ErrorCode.PARENT_NOT_FOUND, "The directory " + parent
                + " does not exist. Create it first with mkdir(path, true).");
    }

    /** The content to write failed (unreadable, or shorter than its declared size), not Docker. */
    private static final class ContentFailure extends RuntimeException {
        ContentFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One entry of {@code size} bytes; reads exactly {@code size} bytes of {@code content}, through
     * one buffer written straight to {@code out}. Only the header goes through commons-compress
     * ({@link #tarHeader}): its output stream would copy every byte of the content once more into
     * 10 KiB blocks (about a third of the JVM's CPU time for a 1 GiB write, measured by hand).
     */
    static void writeTar(OutputStream out, String name, InputStream content, long size, int[] ids)
            throws IOException {
        out.write(tarHeader(name, size, ids));
        copyExactly(content, out, size);
        // the entry's last record filled with zeros, then the two zero records that end an archive
        out.write(new byte[(int) ((TarConstants.DEFAULT_RCDSIZE - size % TarConstants.DEFAULT_RCDSIZE)
                % TarConstants.DEFAULT_RCDSIZE) + 2 * TarConstants.DEFAULT_RCDSIZE]);
    }

    /**
     * Copies exactly {@code size} bytes of {@code content} to {@code out} through one buffer; a
     * content that fails or ends sooner is a {@link ContentFailure}.
     */
    private static void copyExactly(InputStream content, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[(int) Math.min(size, 1 << 20) + 1];
        long left = size;
        while (left > 0) {
            int n;
            try {
                n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
            } catch (IOException | RuntimeException e) {
                throw new ContentFailure(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
            }
            if (n < 0) {
                throw new ContentFailure("the stream ended after " + (size - left) + " of " + size + " bytes", null);
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /**
     * The header records of one regular file (a PAX header first for a long name or a size beyond
     * 8 GiB), as commons-compress writes them: with 512-byte blocks each record reaches the
     * array as soon as it is whole.
     */
    static byte[] tarHeader(String name, long size, int[] ids) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(2 * TarConstants.DEFAULT_RCDSIZE);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(header, TarConstants.DEFAULT_RCDSIZE);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100644);
        entry.setIds(ids[0], ids[1]);
        entry.setModTime(System.currentTimeMillis());
        tar.putArchiveEntry(entry);
        tar.flush();
        return header.toByteArray();
    }

    /** Refuses bytes beyond the declared size rather than corrupting the archive. */
    static final class BoundedOut extends OutputStream {
        private final OutputStream out;
        private long left;

        BoundedOut(OutputStream out, long size) {
            this.out = out;
            this.left = size;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new IOException("the stream has more bytes than the declared size");
            }
            out.write(b, off, len);
            left -= len;
        }
    }
}
