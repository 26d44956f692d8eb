package dev.sandboxjobs.engine.internal.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.FileWatch;
import dev.sandboxjobs.engine.FileWatchEvent;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.WatchOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch backed by the {@code sj_watch.py} helper running as a Docker exec in the sandbox. Its
 * JSON lines arrive on docker-java's thread, which never blocks: events go to a bounded queue and
 * those that do not fit are counted and reported as one OVERFLOW event when there is room again.
 */
final class RealFileWatch implements FileWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RealFileWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object END = new Object();
    private static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(30);

    private final SandboxRuntime sandbox;
    private final String path;
    private final WatchOptions options;
    private final Globs include;
    private final Globs exclude;
    private final Clock clock;
    private final BlockingQueue<Object> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedUnreported = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<Long> established = new CompletableFuture<>();
    private final Consumer<JsonNode> rawListener;
    private final ActivityHolds.Hold hold;
    private ResultCallback.Adapter<Frame> callback;
    private volatile long pid;

    private RealFileWatch(SandboxRuntime sandbox, String path, WatchOptions options, Consumer<JsonNode> rawListener) {
        this.sandbox = sandbox;
        this.path = path;
        this.options = options;
        this.include = new Globs(options.include());
        this.exclude = new Globs(options.exclude());
        this.clock = sandbox.clock;
        // two more slots than the bound: the OVERFLOW event and the end marker always fit
        this.queue = new ArrayBlockingQueue<>(options.maxPendingEvents() + 2);
        this.rawListener = rawListener;
        this.hold = sandbox.holds().hold();
    }

    /** Starts watching {@code path} (absolute) and returns once the watcher says it watches. */
    static RealFileWatch start(SandboxRuntime sandbox, String path, WatchOptions options) {
        return start(sandbox, path, options, null);
    }

    /**
     * Like {@link #start(SandboxRuntime, String, WatchOptions)}; {@code rawListener} (engine-internal
     * consumers such as a bucket mount) also receives every protocol line, {@code close_write}
     * included, on docker-java's thread.
     */
    static RealFileWatch start(SandboxRuntime sandbox, String path, WatchOptions options, Consumer<JsonNode> rawListener) {
        String helper = SandboxHelpers.install(sandbox, "sj_watch.py");
        RealFileWatch watch = new RealFileWatch(sandbox, path, options, rawListener);
        try {
            watch.launch(helper);
            watch.awaitEstablished();
            return watch;
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
    }

    private void launch(String helper) {
        callback = sandbox.call(() -> {
            String execId = sandbox.containers.client().execCreateCmd(sandbox.containerId())
                    .withCmd("python3", "-u", helper, path, options.recursive() ? "1" : "0")
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            return sandbox.containers.client().execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();
                private final StringBuilder stderr = new StringBuilder();

                @Override
                public void onNext(Frame frame) {
                    byte[] payload = frame.getPayload();
                    if (payload == null) {
                        return;
                    }
                    if (frame.getStreamType() == StreamType.STDERR) {
                        if (stderr.length() < 4096) {
                            stderr.append(new String(payload, StandardCharsets.UTF_8));
                        }
                        return;
                    }
                    for (byte b : payload) {
                        if (b == '\n') {
                            onLine(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        } else if (line.size() < 1 << 20) {
                            line.write(b);
                        }
                    }
                }

                @Override
                public void onComplete() {
                    finish(stderr.toString());
                    super.onComplete();
                }

                @Override
                public void onError(Throwable t) {
                    finish(stderr + " " + t.getMessage());
                    super.onError(t);
                }
            });
        });
    }

    private void awaitEstablished() {
        try {
            pid = established.get(ESTABLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SandboxException se) {
                throw new SandboxException(se.code(), se.getMessage(), se);
            }
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The watch on " + path + " failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The watcher in sandbox " + sandbox.id
                    + " did not start within " + ESTABLISH_TIMEOUT.toSeconds() + " s.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while starting the watch on " + path, e);
        }
    }

    private void onLine(String text) {
        JsonNode line;
        try {
            line = JSON.readTree(text);
        } catch (IOException e) {
            LOG.debug("The watcher of sandbox {} wrote a line that is not JSON: {}", sandbox.id, text);
            return;
        }
        String type = line.path("type").asText();
        switch (type) {
            case "watching" -> established.complete(line.path("pid").asLong());
            case "error" -> {
                ErrorCode code = "FILE_NOT_FOUND".equals(line.path("code").asText()) ? ErrorCode.FILE_NOT_FOUND
                        : ErrorCode.SANDBOX_ERROR;
                established.completeExceptionally(new SandboxException(code, "Cannot watch " + path + " in sandbox "
                        + sandbox.id + ": " + line.path("message").asText() + "."));
            }
            case "event" -> {
                if (rawListener != null) {
                    rawListener.accept(line);
                }
                FileWatchEvent event = toEvent(line);
                if (event != null && selected(event)) {
                    offer(event);
                }
            }
            case "stopped" -> LOG.debug("The watch on {} in sandbox {} stopped: {}", path, sandbox.id,
                    line.path("reason").asText());
            default -> LOG.debug("Unknown watcher line in sandbox {}: {}", sandbox.id, text);
        }
    }

    private FileWatchEvent toEvent(JsonNode line) {
        FileWatchEvent.Type type = switch (line.path("event").asText()) {
            case "create" -> FileWatchEvent.Type.CREATE;
            case "modify" -> FileWatchEvent.Type.MODIFY;
            case "delete" -> FileWatchEvent.Type.DELETE;
            case "move_from" -> FileWatchEvent.Type.MOVE_FROM;
            case "move_to" -> FileWatchEvent.Type.MOVE_TO;
            case "overflow" -> FileWatchEvent.Type.OVERFLOW;
            default -> null;
        };
        return type == null ? null
                : new FileWatchEvent(type, line.path("path").asText(), line.path("dir").asBoolean(), 0, clock.instant());
    }

    private boolean selected(FileWatchEvent event) {
        if (event.type() == FileWatchEvent.Type.OVERFLOW) {
            return true;
        }
        String relative = Globs.relative(path, event.path());
        if (relative == null || relative.isEmpty()) {
            return true;
        }
        if (!exclude.isEmpty() && exclude.matches(relative)) {
            return false;
        }
        return include.isEmpty() || include.matches(relative);
    }

    /** Never blocks: an event that does not fit is counted, and reported by the next one that does. */
    private synchronized void offer(FileWatchEvent event) {
        int room = options.maxPendingEvents() - queue.size();
        long lost = droppedUnreported.get();
        if (lost > 0 && room >= 2) {
            droppedUnreported.set(0);
            queue.add(new FileWatchEvent(FileWatchEvent.Type.OVERFLOW, path, true, lost, clock.instant()));
            room--;
        }
        if (room >= 1) {
            queue.add(event);
        } else {
            dropped.incrementAndGet();
            droppedUnreported.incrementAndGet();
        }
    }

    private synchronized void finish(String why) {
        if (!established.isDone()) {
            String message = why.contains("not found") || why.contains("No such file")
                    ? "the image has no python3, which the file watcher needs (" + why.strip() + ")"
                    : "the watcher ended before it started: " + why.strip();
            established.completeExceptionally(new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot watch " + path
                    + " in sandbox " + sandbox.id + ": " + message));
        }
        if (ended.compareAndSet(false, true)) {
            long lost = droppedUnreported.getAndSet(0);
            if (lost > 0) {
                queue.offer(new FileWatchEvent(FileWatchEvent.Type.OVERFLOW, path, true, lost, clock.instant()));
            }
            queue.offer(END);
            hold.close();
        }
    }

    /**
     * The next queued item; when the queue ran dry with events still unreported as dropped, the
     * OVERFLOW event that counts them. Waits {@code millis} (for ever if negative).
     */
    private Object nextItem(long millis) throws InterruptedException {
        synchronized (this) {
            Object item = queue.poll();
            if (item != null) {
                return item;
            }
            long lost = droppedUnreported.getAndSet(0);
            if (lost > 0) {
                return new FileWatchEvent(FileWatchEvent.Type.OVERFLOW, path, true, lost, clock.instant());
            }
        }
        return millis < 0 ? queue.take() : queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public boolean recursive() {
        return options.recursive();
    }

    @Override
    public Optional<FileWatchEvent> poll(Duration timeout) {
        Object item;
        try {
            item = nextItem(Math.max(0, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (item == END) {
            queue.offer(END);
            return Optional.empty();
        }
        return Optional.ofNullable((FileWatchEvent) item);
    }

    @Override
    public Stream<FileWatchEvent> events() {
        Iterator<FileWatchEvent> it = new Iterator<>() {
            Object pending;

            @Override
            public boolean hasNext() {
                if (pending == null) {
                    try {
                        pending = nextItem(-1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        pending = END;
                    }
                }
                if (pending == END) {
                    queue.offer(END);
                    return false;
                }
                return true;
            }

            @Override
            public FileWatchEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                FileWatchEvent e = (FileWatchEvent) pending;
                pending = null;
                return e;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public boolean isActive() {
        return !closed.get() && !ended.get();
    }

    @Override
    public long droppedEvents() {
        return dropped.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long p = pid;
        if (p > 0 && !ended.get() && !sandbox.isDestroyed()) {
            try {
                sandbox.runInternal(List.of("kill", Long.toString(p)), 1024);
            } catch (RuntimeException e) {
                LOG.debug("Could not stop the watcher {} in sandbox {}", p, sandbox.id, e);
            }
        }
        ResultCallback.Adapter<Frame> c = callback;
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                // the stream ended already
            }
        }
        finish("closed");
    }

    @Override
    public String toString() {
        return "FileWatch[" + sandbox.id + ":" + path + (options.recursive() ? ", recursive" : "") + "]";
    }
}
