package dev.sandboxjobs.engine.task;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way both engines run their periodic {@link Task}s and one-shot timers: daemon threads,
 * a fixed delay between the end of one turn and the start of the next, and a failure that is
 * logged rather than silently ending the schedule (as a bare {@code ScheduledExecutorService}
 * would). {@link #close()} stops everything; safe twice.
 *
 * <pre>{@code
 * TaskScheduler tasks = new TaskScheduler("sandbox-jobs-maintenance", 1);
 * tasks.every(Duration.ofMinutes(1), new OrphanReaperTask(registry));
 * ScheduledFuture<?> timeout = tasks.once(Duration.ofMinutes(10), () -> run.interrupt());
 * tasks.close();
 * }</pre>
 */
public final class TaskScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskScheduler.class);

    private final ScheduledExecutorService executor;

    /** A scheduler on {@code threads} daemon threads named {@code threadName-<n>}. */
    public TaskScheduler(String threadName, int threads) {
        Objects.requireNonNull(threadName, "threadName");
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} every {@code interval}, the first time one interval from now. */
    public void every(Duration interval, Task task) {
        every(interval, interval, task);
    }

    /** Runs {@code task} after {@code initialDelay}, then every {@code interval}. */
    public void every(Duration initialDelay, Duration interval, Task task) {
        Objects.requireNonNull(task, "task");
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("Task {} failed; it runs again in {}", task.name(), interval, e);
            }
        }, initialDelay.toMillis(), Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} once after {@code delay} (a timeout, for example); cancel the future to call it off. */
    public ScheduledFuture<?> once(Duration delay, Runnable action) {
        return executor.schedule(action, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Stops the tasks and timers, interrupting a turn in progress, and waits up to 5 s for it. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
