package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.FileInfo;
import dev.sandboxjobs.engine.FileType;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Files up to 16 MiB as raw bytes over the engine's persistent shell in the sandbox (a read is
 * {@code cat}, a write {@code head -c SIZE} of the shell's own stdin: one round trip on an open
 * stream); larger ones, and anything that is not a plain regular file, through Docker's archive
 * API (tar streams both ways). Directory operations run one fixed script with the paths as
 * arguments.
 */
final class FileOps {
    /** Chunk size for streams of unknown length. */
    private static final int CHUNK = 8 << 20;

    private final SandboxRuntime sandbox;

    FileOps(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    void write(String abs, byte[] content) {
        sandbox.call(() -> {
            putFile(abs, new ByteArrayInputStream(content), content.length);
            return null;
        });
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
                    check(fileOp(argv), abs);
                } catch (RuntimeException e) {
                    List<String> cleanup = new ArrayList<>(List.of("concat", "/dev/null"));
                    cleanup.addAll(parts);
                    fileOp(cleanup);
                    throw e;
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void putFile(String abs, InputStream content, long size) {
        String name = PosixPaths.name(abs);
        if (name.isEmpty()) {
            throw new SandboxException(ErrorCode.IS_A_DIRECTORY, "/ is a directory; give a file path.");
        }
        putArchive(abs, content, size);
        checkNoMore(content, abs);
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
            fileOp(List.of("delete", abs));
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Reading the content to write to " + abs
                    + " failed: the stream has more bytes than the declared size");
        }
    }

    /** Writes through Docker's archive API. */
    private void putArchive(String abs, InputStream content, long size) {
        String parent = PosixPaths.parent(abs);
        String name = PosixPaths.name(abs);
        // an existing directory would be merged into, not replaced; refuse it as a file write
        ExecOutput stat = fileOp(List.of("stat", abs));
        if (stat.exitCode() == 11) {
            throw new SandboxException(ErrorCode.IS_A_DIRECTORY, abs + " is a directory; choose a file path.");
        }
        InputStream tar;
        CompletableFuture<Void> producer = null;
        if (size <= (1 << 20) && content instanceof ByteArrayInputStream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) size + 1024);
            try {
                writeTar(buffer, name, content, size);
            } catch (UncheckedIOException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Reading the content to write to " + abs
                        + " failed: " + e.getCause().getMessage(), e);
            }
            tar = new ByteArrayInputStream(buffer.toByteArray());
        } else {
            PipedInputStream pipe = new PipedInputStream(1 << 16);
            PipedOutputStream sink;
            try {
                sink = new PipedOutputStream(pipe);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try (sink) {
                    writeTar(sink, name, content, size);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }, "sandbox-jobs-tar-writer");
            writer.setDaemon(true);
            writer.start();
            producer = done;
            tar = pipe;
        }
        try {
            sandbox.containers.putArchive(sandbox.containerId(), parent, tar);
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
        } finally {
            try {
                tar.close();
            } catch (IOException ignored) {
                // the pipe is done either way
            }
        }
        if (producer != null) {
            try {
                producer.join();
            } catch (RuntimeException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Reading the content to write to " + abs
                        + " failed: " + DockerErrors.rootMessage(e), e);
            }
        }
    }

    private SandboxException missingParent(String abs, String parent) {
        ExecOutput stat = fileOp(List.of("stat", parent));
        if (stat.exitCode() == 0) {
            return new SandboxException(ErrorCode.NOT_A_DIRECTORY, parent + " is a file, not a directory; cannot write " + abs + ".");
        }
        return new SandboxException(ErrorCode.PARENT_NOT_FOUND, "The directory " + parent
                + " does not exist. Create it first with mkdir(path, true).");
    }

    private static void writeTar(java.io.OutputStream out, String name, InputStream content, long size) {
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(size);
            entry.setMode(0100644);
            entry.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(entry);
            long copied = content.transferTo(new BoundedOut(tar, size));
            if (copied < size) {
                throw new IOException("the stream ended after " + copied + " of " + size + " bytes");
            }
            tar.closeArchiveEntry();
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses bytes beyond the declared size rather than corrupting the archive. */
    private static final class BoundedOut extends java.io.OutputStream {
        private final java.io.OutputStream out;
        private long left;

        BoundedOut(java.io.OutputStream out, long size) {
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

    /**
     * Files up to this size travel over the engine's persistent shell (reads and writes: no tar,
     * no archive endpoint, one round trip); larger ones over Docker's archive API, whose streaming
     * of the daemon's tar is faster for big files than an exec's stdio.
     */
    private static final long SMALL_STREAM = 16L << 20;

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
        // without a limit: the shell's own function (no script to fork), and a file at the cap takes the archive path
        List<String> argv = max > 0
                ? List.of("bash", "-c", Scripts.FILE_OPS, "sj-files", "read", abs, Long.toString(max))
                : List.of("__sj_read", abs);
        long cap = Integer.MAX_VALUE - 64;
        ExecOutput out;
        try {
            out = sandbox.runInternal(argv, cap);
        } catch (com.github.dockerjava.api.exception.ConflictException | NotFoundException e) {
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
            if (fileOp(List.of("stat", abs)).exitCode() == 11) {
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
                TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.BufferedInputStream(raw, 1 << 20));
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

    /** Streams the host directory {@code source} into {@code abs} as one tar, owned by the sandbox's user. */
    void copyIn(java.nio.file.Path source, String abs) {
        java.nio.file.Path root = source.toAbsolutePath().normalize();
        if (!java.nio.file.Files.isDirectory(root)) {
            throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No directory at " + source
                    + " on the host. Give the path of an existing directory.");
        }
        sandbox.call(() -> {
            check(fileOp(List.of("mkdirp", abs)), abs);
            int[] owner = owner();
            PipedInputStream pipe = new PipedInputStream(1 << 16);
            PipedOutputStream sink;
            try {
                sink = new PipedOutputStream(pipe);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try (sink) {
                    writeDirectoryTar(sink, root, owner[0], owner[1]);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            }, "sandbox-jobs-copy-in");
            writer.setDaemon(true);
            writer.start();
            try {
                sandbox.containers.putArchive(sandbox.containerId(), abs, pipe);
            } catch (DockerException e) {
                throw DockerErrors.error("Cannot copy " + root + " into " + abs, e);
            } finally {
                try {
                    pipe.close();
                } catch (IOException ignored) {
                    // done either way
                }
            }
            try {
                done.join();
            } catch (RuntimeException e) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Reading " + root + " on the host failed: "
                        + DockerErrors.rootMessage(e), e);
            }
            return null;
        });
    }

    /** The uid and gid commands run as in the sandbox. */
    private int[] owner() {
        ExecOutput out = sandbox.runInternal(List.of("sh", "-c", "id -u; id -g"), 4096);
        String[] lines = new String(out.stdout(), StandardCharsets.UTF_8).strip().split("\\s+");
        try {
            return new int[] {Integer.parseInt(lines[0]), Integer.parseInt(lines[1])};
        } catch (RuntimeException e) {
            return new int[] {0, 0};
        }
    }

    private static void writeDirectoryTar(java.io.OutputStream out, java.nio.file.Path root, int uid, int gid)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        java.nio.file.Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(java.nio.file.Path dir,
                    java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    TarArchiveEntry e = new TarArchiveEntry(name(dir) + "/");
                    e.setMode(040000 | mode(dir, 0755));
                    own(e);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(java.nio.file.Path file,
                    java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    TarArchiveEntry e = new TarArchiveEntry(name(file), TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(java.nio.file.Files.readSymbolicLink(file).toString());
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
                    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                        in.transferTo(new BoundedOut(tar, attrs.size()));
                    }
                    tar.closeArchiveEntry();
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            private String name(java.nio.file.Path p) {
                return root.relativize(p).toString().replace('\\', '/');
            }

            private void own(TarArchiveEntry e) {
                e.setIds(uid, gid);
            }
        });
        tar.finish();
        tar.flush();
    }

    private static int mode(java.nio.file.Path p, int fallback) {
        try {
            int mode = 0;
            for (java.nio.file.attribute.PosixFilePermission perm : java.nio.file.Files.getPosixFilePermissions(p,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                mode |= 1 << (8 - perm.ordinal());
            }
            return mode;
        } catch (UnsupportedOperationException | IOException e) {
            return fallback;
        }
    }

    void mkdir(String abs, boolean recursive) {
        sandbox.call(() -> {
            check(fileOp(List.of(recursive ? "mkdirp" : "mkdir", abs)), abs);
            return null;
        });
    }

    void delete(String abs) {
        sandbox.call(() -> {
            check(fileOp(List.of("delete", abs)), abs);
            return null;
        });
    }

    void rename(String from, String to) {
        sandbox.call(() -> {
            check(fileOp(List.of("rename", from, to)), from + " -> " + to);
            return null;
        });
    }

    void move(String from, String to) {
        sandbox.call(() -> {
            check(fileOp(List.of("move", from, to)), from + " -> " + to);
            return null;
        });
    }

    boolean exists(String abs) {
        return sandbox.call(() -> fileOp(List.of("exists", abs)).exitCode() == 0);
    }

    List<FileInfo> list(String abs) {
        return sandbox.call(() -> {
            ExecOutput out = fileOp(List.of("list", abs));
            check(out, abs);
            List<FileInfo> entries = new ArrayList<>();
            for (String rec : new String(out.stdout(), StandardCharsets.UTF_8).split("\0")) {
                if (rec.isEmpty()) {
                    continue;
                }
                String[] f = rec.split("\t", 4);
                FileType type = switch (f[0]) {
                    case "f" -> FileType.FILE;
                    case "d" -> FileType.DIRECTORY;
                    case "l" -> FileType.SYMLINK;
                    default -> FileType.OTHER;
                };
                double seconds = Double.parseDouble(f[2]);
                Instant modified = Instant.ofEpochMilli((long) (seconds * 1000));
                String path = abs.equals("/") ? "/" + f[3] : abs + "/" + f[3];
                entries.add(new FileInfo(f[3], path, type, Long.parseLong(f[1]), modified));
            }
            entries.sort(Comparator.comparing(FileInfo::name));
            return entries;
        });
    }

    private ExecOutput fileOp(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", Scripts.FILE_OPS, "sj-files"));
        argv.addAll(args);
        return sandbox.runInternal(argv, 64L << 20);
    }

    private static void check(ExecOutput out, String what) {
        switch (out.exitCode()) {
            case 0 -> { }
            case 10 -> throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No such file or directory: " + what + ".");
            case 11 -> throw new SandboxException(ErrorCode.IS_A_DIRECTORY, what + " is a directory; this operation needs a file.");
            case 12 -> throw new SandboxException(ErrorCode.NOT_A_DIRECTORY, "A file was found where a directory was expected: " + what + ".");
            case 13 -> throw new SandboxException(ErrorCode.PARENT_NOT_FOUND, "The parent directory of " + what
                    + " does not exist. Create it first, or use mkdir(path, true).");
            case 14 -> throw new SandboxException(ErrorCode.INVALID_ARGUMENT, what + " already exists. Use mkdir(path, true) to accept an existing directory.");
            default -> throw new SandboxException(ErrorCode.SANDBOX_ERROR, "File operation on " + what + " failed (exit "
                    + out.exitCode() + "): " + out.stderrText());
        }
    }
}
