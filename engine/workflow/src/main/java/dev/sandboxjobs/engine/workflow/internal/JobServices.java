package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.SandboxProvider;
import dev.sandboxjobs.storage.run.JobStore;
import java.time.Clock;

/**
 * The services the job engine's parts share, handed to the tasks and to each run's execution
 * instead of the engine itself.
 *
 * @param store     the repositories of runs, steps, logs, artifacts and schedules
 * @param states    the one guarded way to change a run's or a step's state
 * @param json      parameters, results and specs as JSON
 * @param events    listeners and awaiters of this process
 * @param logs      the batched writer of steps' log lines
 * @param sandboxes where runs' sandboxes come from
 * @param options   limits, retention, intervals
 * @param clock     the engine's clock
 */
record JobServices(JobStore store, StateChanges states, RunJson json, RunEvents events, LogWriter logs,
                   SandboxProvider sandboxes, JobsOptions options, Clock clock) {
}
