package dev.sandboxjobs.engine.task;

/**
 * A periodic duty of an engine, each its own small class: reaping orphan containers, putting idle
 * sandboxes to sleep, syncing schedules, sweeping old runs. A {@link TaskScheduler} runs it.
 *
 * <pre>{@code
 * final class OrphanReaperTask implements Task {
 *     public String name() { return "orphan reaper"; }
 *     public void run() { registry.reapOrphans(); }
 * }
 * }</pre>
 */
public interface Task {
    /** A short name for the logs. */
    String name();

    /** Does the duty once. A failure is logged and the task runs again at its next turn. */
    void run() throws Exception;
}
