/**
 * Periodic duties of the engines: each duty is a small {@link dev.sandboxjobs.engine.task.Task}
 * (the orphan reaper, the idle sleeper, the lifetime limit; the job engine's recovery, reaper,
 * schedule sync and retention sweep), run by a {@link dev.sandboxjobs.engine.task.TaskScheduler}
 * that logs a failed turn and keeps the schedule.
 *
 * <pre>{@code
 * TaskScheduler tasks = new TaskScheduler("my-app-maintenance", 1);
 * tasks.every(Duration.ofMinutes(5), new Task() {
 *     public String name() { return "report"; }
 *     public void run() { System.out.println(engine.listSandboxes().size() + " sandboxes"); }
 * });
 * }</pre>
 */
package dev.sandboxjobs.engine.task;
