package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.FileInfo;
import dev.sandboxjobs.engine.FileType;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A sandbox's files. Writing ({@link FileWrites}), reading ({@link FileReads}) and copying a host
 * directory in ({@link DirectoryCopy}) are their own classes; directory operations run one fixed
 * script ({@link Scripts#FILE_OPS}) with the paths as arguments.
 */
final class FileOps {
    private final SandboxRuntime sandbox;
    private final FileWrites writes;
    private final FileReads reads;
    private final DirectoryCopy copy;

    FileOps(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
        this.writes = new FileWrites(sandbox);
        this.reads = new FileReads(sandbox);
        this.copy = new DirectoryCopy(sandbox);
    }

    void write(String abs, byte[] content) {
        writes.write(abs, content);
    }

    void write(String abs, InputStream content, long size) {
        writes.write(abs, content, size);
    }

    /** Writes a stream of unknown length. */
    void write(String abs, InputStream content) {
        writes.write(abs, content);
    }

    /** Opens the file's bytes; the caller closes the stream (which closes Docker's response). */
    InputStream open(String abs) {
        return reads.open(abs);
    }

    byte[] readAll(String abs) {
        return reads.readAll(abs);
    }

    /** Streams the host directory {@code source} into {@code abs} as one tar, owned by the sandbox's user. */
    void copyIn(Path source, String abs) {
        copy.copyIn(source, abs);
    }

    void mkdir(String abs, boolean recursive) {
        sandbox.call(() -> {
            check(fileOp(sandbox, List.of(recursive ? "mkdirp" : "mkdir", abs)), abs);
            return null;
        });
    }

    void delete(String abs) {
        sandbox.call(() -> {
            check(fileOp(sandbox, List.of("delete", abs)), abs);
            return null;
        });
    }

    void rename(String from, String to) {
        sandbox.call(() -> {
            check(fileOp(sandbox, List.of("rename", from, to)), from + " -> " + to);
            return null;
        });
    }

    void move(String from, String to) {
        sandbox.call(() -> {
            check(fileOp(sandbox, List.of("move", from, to)), from + " -> " + to);
            return null;
        });
    }

    boolean exists(String abs) {
        return sandbox.call(() -> fileOp(sandbox, List.of("exists", abs)).exitCode() == 0);
    }

    List<FileInfo> list(String abs) {
        return sandbox.call(() -> {
            ExecOutput out = fileOp(sandbox, List.of("list", abs));
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

    static ExecOutput fileOp(SandboxRuntime sandbox, List<String> args) {
        return sandbox.internalShell.run(sandbox.containerId(), Scripts.fileOpsCall(args),
                Scripts.fileOpsScript(args), 64L << 20);
    }

    static void check(ExecOutput out, String what) {
        switch (out.exitCode()) {
            case 0 -> { }
            case 10 -> throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "No such file or directory: " + what + ".");
            case 11 -> throw new SandboxException(ErrorCode.IS_A_DIRECTORY, what + " is a directory; this operation needs a file.");
            case 12 -> throw new SandboxException(ErrorCode.NOT_A_DIRECTORY, "A file was found where a directory was expected: " + what + ".");
            case 13 -> throw new SandboxException(ErrorCode.PARENT_NOT_FOUND, "The parent directory of " + what
                    + " does not exist. Create it first, or use mkdir(path, true).");
            case 14 -> throw new SandboxException(ErrorCode.INVALID_ARGUMENT, what + " already exists. Use mkdir(path, true) to accept an existing directory.");
            case 15 -> throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Permission denied: the sandbox's user may not write "
                    + what + " (files written through the API obey the permissions of the user commands run as;"
                    + " SandboxOptions.user(\"root\") for a root sandbox).");
            default -> throw new SandboxException(ErrorCode.SANDBOX_ERROR, "File operation on " + what + " failed (exit "
                    + out.exitCode() + "): " + out.stderrText());
        }
    }
}
