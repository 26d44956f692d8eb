package dev.sandboxjobs.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A change seen by a {@link FileWatch}.
 *
 * @param type what happened
 * @param path the absolute path in the sandbox (for {@link Type#OVERFLOW}, the watched path)
 * @param isDirectory whether the path is a directory
 * @param dropped for {@link Type#OVERFLOW}, how many events were lost; 0 otherwise
 * @param at when the engine received it
 */
public record FileWatchEvent(Type type, String path, boolean isDirectory, long dropped, Instant at) {
    /** The kinds of change, named as in the seed ({@code create}, {@code modify}, ...). */
    public enum Type {
        /** A file or directory was created. */
        CREATE,
        /** A file's content changed (one event for the writes until the file is closed). */
        MODIFY,
        /** A file or directory was deleted. */
        DELETE,
        /** A file or directory was moved away from this path (a rename's old name). */
        MOVE_FROM,
        /** A file or directory was moved to this path (a rename's new name). */
        MOVE_TO,
        /**
         * Events were lost: the reader fell more than {@link WatchOptions#maxPendingEvents()} behind
         * (or the kernel's queue overflowed); {@link #dropped()} says how many, when known.
         */
        OVERFLOW
    }

    public FileWatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(at, "at");
    }
}
