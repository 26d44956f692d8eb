package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.SandboxProvider;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys the sandboxes of runs that ended, off the runs' critical path: a run is recorded as
 * over, its slot freed and its end told to listeners while its sandbox is destroyed here, on a few
 * threads of its own. {@code await} still returns only once the sandbox is gone.
 *
 * <p>Nothing is lost by a crash meanwhile: the sandbox stays labelled with a run that is over, which
 * {@link ReaperTask} destroys (after recovery at the next start, and periodically on any worker).
 * {@link #close()} waits for the removals under way.
 */
final class SandboxRemovals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxRemovals.class);
    /** Removals at once; more wait their turn (each run has at most one sandbox to remove). */
    static final int THREADS = 4;

    private final SandboxProvider sandboxes;
    private final ThreadPoolExecutor executor;
    /** Sandbox id → run id of the removals queued or under way. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();

    private final Runnable onRemoved;

    /** {@code onRemoved} is told after each removal (the dispatcher, which may start runs again). */
    SandboxRemovals(SandboxProvider sandboxes, Runnable onRemoved) {
        this.sandboxes = sandboxes;
        this.onRemoved = onRemoved;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "sandbox-jobs-sandbox-removal-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Destroys the sandbox of {@code runId} in the background (in the caller's thread once closed);
     * the future completes when it is gone or its removal failed (the reaper retries then).
     */
    CompletableFuture<Void> destroy(String runId, String sandboxId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.put(sandboxId, runId);
        Runnable removal = () -> {
            try {
                sandboxes.destroy(sandboxId);
            } catch (RuntimeException e) {
                LOG.warn("Could not destroy sandbox {} of run {}; the reaper will retry", sandboxId, runId, e);
            } finally {
                pending.remove(sandboxId);
                done.complete(null);
                onRemoved.run();
            }
        };
        try {
            executor.execute(removal);
        } catch (RejectedExecutionException e) {
            removal.run();
        }
        return done;
    }

    /** How many sandboxes are queued for removal or being removed. */
    int pending() {
        return pending.size();
    }

    /** Whether a sandbox of {@code runId} is being destroyed here. */
    boolean removing(String runId) {
        return !pending.isEmpty() && pending.containsValue(runId);
    }

    /** Waits for the removals queued or under way (up to two minutes). Safe twice. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("Sandboxes of {} runs were still being destroyed when the engine closed; the reaper of the "
                        + "next start destroys them", pending.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
