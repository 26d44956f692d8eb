package dev.sandboxjobs.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A live watch on a path of a sandbox ({@link SandboxOperations#watch}): create, modify, delete
 * and move events as they happen, through Linux's inotify inside the container. At most
 * {@link WatchOptions#maxPendingEvents()} events wait in memory; past that they are dropped and
 * an {@link FileWatchEvent.Type#OVERFLOW} event counts them, so a slow reader never grows the heap.
 * An open watch keeps its sandbox awake. Close it (try-with-resources) to stop watching.
 *
 * <pre>{@code
 * try (FileWatch watch = sandbox.watch("/workspace/src", true)) {
 *     sandbox.writeFile("/workspace/src/app.ts", "export {}");
 *     watch.poll(Duration.ofSeconds(5)).ifPresent(e -> System.out.println(e.type() + " " + e.path()));
 * }
 * }</pre>
 */
public interface FileWatch extends AutoCloseable {
    /** The watched path (absolute). */
    String path();

    /** Whether subdirectories are watched too. */
    boolean recursive();

    /**
     * The next event, waiting up to {@code timeout}; empty when none came in time or the watch
     * ended (see {@link #isActive()}).
     */
    Optional<FileWatchEvent> poll(Duration timeout);

    /**
     * The events as they come, blocking between them; the stream ends when the watch is closed
     * or stops (the watched path was deleted, the sandbox slept or was destroyed). Closing the
     * stream closes the watch.
     */
    Stream<FileWatchEvent> events();

    /** Whether events can still come: not closed, and the watcher in the sandbox still runs. */
    boolean isActive();

    /** How many events were dropped so far because the reader fell behind. */
    long droppedEvents();

    /** Stops the watcher in the sandbox. Safe twice. */
    @Override
    void close();
}
