package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;
import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.RunState;

/**
 * Cancels the runs this engine executes whose cancellation was requested in the database by
 * another process (a jobs client, e.g. {@code sandbox-jobs runs cancel}).
 */
final class CancelWatchTask implements Task {
    private final JobServices services;
    private final Dispatcher dispatcher;

    CancelWatchTask(JobServices services, Dispatcher dispatcher) {
        this.services = services;
        this.dispatcher = dispatcher;
    }

    @Override
    public String name() {
        return "cancel-watch";
    }

    @Override
    public void run() {
        for (String runId : dispatcher.executingRunIds()) {
            RunExecution e = dispatcher.executing(runId);
            if (e == null) {
                continue;
            }
            boolean requested = services.store().runs().find(runId).map(r -> r.cancelRequested()).orElse(false);
            if (requested) {
                // The interruption destroys the sandbox: on a worker, not on the timer.
                dispatcher.workers.execute(() -> e.interrupt(RunState.CANCELLED,
                        new Failure("Cancelled", "Cancelled on request", null, false)));
            }
        }
    }
}
