package dev.sandboxjobs.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * How to watch a path with {@link SandboxOperations#watch(String, WatchOptions)}.
 *
 * <pre>{@code
 * WatchOptions.builder().recursive(true).include("*.ts").exclude("node_modules").maxPendingEvents(500).build();
 * }</pre>
 *
 * @param recursive whether directories under the path (and those created later) are watched too
 * @param include glob patterns ({@code *}, {@code ?}, {@code **}, {@code [abc]}, {@code {a,b}}); when
 *     not empty, only events for matching paths are kept. A pattern without {@code /} matches a
 *     file or directory name at any depth; one with {@code /} matches the path relative to the
 *     watched one
 * @param exclude glob patterns of paths whose events are dropped, matched like {@code include}; a
 *     matching directory's whole subtree is excluded
 * @param maxPendingEvents how many events wait in memory for the reader at most (default
 *     {@value #DEFAULT_MAX_PENDING}); when the reader falls behind further, events are dropped and an
 *     {@link FileWatchEvent.Type#OVERFLOW} event says how many
 */
public record WatchOptions(boolean recursive, List<String> include, List<String> exclude, int maxPendingEvents) {
    /** Events held in memory for a slow reader unless another bound is given. */
    public static final int DEFAULT_MAX_PENDING = 1024;
    /** The largest bound accepted. */
    public static final int MAX_PENDING_LIMIT = 1 << 20;
    /** The path itself, not its subdirectories. */
    public static final WatchOptions DEFAULT = builder().build();

    public WatchOptions {
        include = List.copyOf(include == null ? List.of() : include);
        exclude = List.copyOf(exclude == null ? List.of() : exclude);
        if (maxPendingEvents < 1 || maxPendingEvents > MAX_PENDING_LIMIT) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "maxPendingEvents must be between 1 and "
                    + MAX_PENDING_LIMIT + ", not " + maxPendingEvents + ".");
        }
        for (String p : include) {
            checkPattern(p);
        }
        for (String p : exclude) {
            checkPattern(p);
        }
    }

    private static void checkPattern(String pattern) {
        if (pattern == null || pattern.isBlank() || pattern.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A watch pattern is empty or holds a NUL byte;"
                    + " use globs such as *.ts or src/**.");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link WatchOptions}. */
    public static final class Builder {
        private boolean recursive;
        private final List<String> include = new ArrayList<>();
        private final List<String> exclude = new ArrayList<>();
        private int maxPendingEvents = DEFAULT_MAX_PENDING;

        private Builder() {}

        public Builder recursive(boolean value) { recursive = value; return this; }
        public Builder include(String... patterns) { include.addAll(List.of(patterns)); return this; }
        public Builder exclude(String... patterns) { exclude.addAll(List.of(patterns)); return this; }
        public Builder maxPendingEvents(int value) { maxPendingEvents = value; return this; }

        public WatchOptions build() {
            return new WatchOptions(recursive, include, exclude, maxPendingEvents);
        }
    }
}
