package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes sure one engine at a time uses a SQLite database: an OS file lock on {@code <db>.lock},
 * which the OS releases when the process dies (even by {@code kill -9}), so a restarted engine
 * never waits for a lease to expire.
 */
final class EngineLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static EngineLock acquire(Path databaseFile) {
        Path lockFile = databaseFile.resolveSibling(databaseFile.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.DATABASE_UNAVAILABLE, "Cannot open the engine lock file "
                    + lockFile + ": " + e.getMessage() + ". Check that its directory is writable.", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SandboxException(ErrorCode.DATABASE_UNAVAILABLE, "Cannot lock " + lockFile + ": "
                    + e.getMessage(), e);
        }
        if (lock == null) {
            String holder = holder(channel);
            closeQuietly(channel);
            throw new SandboxException(ErrorCode.DATABASE_LOCKED, "The database " + databaseFile
                    + " is in use by another job engine" + holder + ". Close that engine first, or give this "
                    + "one its own database file.");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException ignored) {
            // The pid is only a hint for the error message of a second engine.
        }
        return new EngineLock(channel, lock);
    }

    /**
     * The pid of the live process that last took the lock of {@code databaseFile}, if that process
     * is still alive: a hint (it does not probe the lock, so it never disturbs an engine starting).
     */
    static java.util.Optional<Long> holderPid(Path databaseFile) {
        Path lockFile = databaseFile.resolveSibling(databaseFile.getFileName() + ".lock");
        try {
            String text = java.nio.file.Files.readString(lockFile, StandardCharsets.UTF_8).trim();
            if (!text.startsWith("pid ")) {
                return java.util.Optional.empty();
            }
            long pid = Long.parseLong(text.substring(4).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(64);
            int n = channel.read(buf, 0);
            if (n > 0) {
                return " (" + new String(buf.array(), 0, n, StandardCharsets.UTF_8).trim() + ")";
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "";
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // the channel close below releases it too
        }
        closeQuietly(channel);
    }
}
