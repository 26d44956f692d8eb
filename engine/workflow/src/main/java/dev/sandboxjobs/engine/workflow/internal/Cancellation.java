package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.internal.DatabaseErrors.guard;

import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import java.util.function.Function;

/**
 * Cancels runs: a queued run is cancelled at once; a running one is interrupted here when this
 * process executes it, else its cancellation is requested in the database for the process that
 * does (its cancel watch acts within a second).
 */
final class Cancellation {
    private final JobServices services;
    private final QuartzScheduling quartz;
    private final Function<String, RunExecution> executingHere;

    /** {@code quartz} and {@code executingHere} are null for a client. */
    Cancellation(JobServices services, QuartzScheduling quartz, Function<String, RunExecution> executingHere) {
        this.services = services;
        this.quartz = quartz;
        this.executingHere = executingHere;
    }

    CancelResult cancel(String runId) {
        for (int i = 0; i < 100; i++) {
            RunRow row = guard(() -> services.store().runs().find(runId)).orElseThrow(() -> RunQueries.notFound(runId));
            RunState state = RunState.valueOf(row.state());
            if (state.isFinished()) {
                return new CancelResult(runId, false, state, "Run " + runId + " had already " + state
                        + "; nothing to cancel.");
            }
            Failure f = new Failure("Cancelled", "Cancelled on request", null, false);
            if (state == RunState.QUEUED) {
                long now = services.clock().millis();
                boolean won = guard(() -> services.states().inTransaction(tx -> {
                    boolean ok = tx.run(runId, RunState.QUEUED, RunState.CANCELLED, row.version(),
                            new RunRepository.Change(null, Rows.columns(f), null, now, null, false, false));
                    if (ok) {
                        tx.steps(runId, RunState.QUEUED, RunState.CANCELLED, now);
                    }
                    return ok;
                }));
                if (won) {
                    if (row.awaitingTrigger() && quartz != null) {
                        quartz.unscheduleRun(runId);
                    }
                    services.events().finished(runId, row.workflow(), RunState.CANCELLED);
                    return new CancelResult(runId, true, RunState.CANCELLED, "Run " + runId
                            + " was cancelled before it started.");
                }
                continue;
            }
            guard(() -> {
                services.store().runs().requestCancel(runId);
                return null;
            });
            RunExecution e = executingHere == null ? null : executingHere.apply(runId);
            if (e != null) {
                e.interrupt(RunState.CANCELLED, f);
                return new CancelResult(runId, true, RunState.CANCELLED, "Run " + runId
                        + " was cancelled while running; its sandbox is destroyed.");
            }
            return new CancelResult(runId, true, RunState.RUNNING, "Run " + runId + (executingHere == null
                    ? " is being cancelled by the engine running it (within a second)."
                    : " will be cancelled when its engine resumes it."));
        }
        throw new JobException(JobErrorCode.DATABASE_LOCKED, "Run " + runId
                + " kept changing while it was being cancelled; try again.");
    }
}
