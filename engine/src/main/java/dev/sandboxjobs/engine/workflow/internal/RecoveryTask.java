package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.run.FailureColumns;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once at start: every run the database still shows as running was in flight when the
 * previous engine died. A run whose sandbox survived (or that needs none) goes back to the queue
 * keeping its finished steps, so it resumes at its first unfinished step; a run whose sandbox is
 * gone starts again from scratch in a new one. A run whose cancellation was requested is
 * cancelled. Then sandboxes of runs that are over are destroyed.
 */
final class RecoveryTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryTask.class);
    private final JobEngine engine;

    RecoveryTask(JobEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "recovery";
    }

    @Override
    public void run() {
        int resumed = 0;
        int restarted = 0;
        for (RunRow r : engine.store.runs().inState(RunState.RUNNING.name())) {
            long now = engine.clock.millis();
            if (r.cancelRequested()) {
                StateMachine.check(StateMachine.Subject.RUN, RunState.RUNNING, RunState.CANCELLED);
                engine.store.gate().use(h -> {
                    engine.store.steps().moveAll(h, r.id(), RunState.RUNNING.name(), RunState.CANCELLED.name(), now);
                    engine.store.steps().moveAll(h, r.id(), RunState.QUEUED.name(), RunState.CANCELLED.name(), now);
                    engine.store.runs().transition(h, r.id(), RunState.RUNNING.name(), RunState.CANCELLED.name(),
                            r.version(), new RunRepository.Change(null, new FailureColumns("Cancelled",
                                    "Cancelled on request", null, false), null, now, null, false, false));
                });
                if (r.sandboxId() != null) {
                    engine.sandboxes.destroy(r.sandboxId());
                }
                continue;
            }
            boolean needsSandbox = r.sandboxSpec() != null;
            boolean alive = needsSandbox && r.sandboxId() != null && engine.sandboxes.isAlive(r.sandboxId());
            boolean fromScratch = needsSandbox && !alive;
            if (fromScratch && r.sandboxId() != null) {
                engine.sandboxes.destroy(r.sandboxId());
            }
            StateMachine.check(StateMachine.Subject.RUN, RunState.RUNNING, RunState.QUEUED);
            engine.store.gate().use(h -> {
                engine.store.steps().moveAll(h, r.id(), RunState.RUNNING.name(), RunState.QUEUED.name(), null);
                if (fromScratch) {
                    engine.store.steps().moveAll(h, r.id(), RunState.SUCCEEDED.name(), RunState.QUEUED.name(), null);
                }
                engine.store.runs().transition(h, r.id(), RunState.RUNNING.name(), RunState.QUEUED.name(),
                        r.version(), new RunRepository.Change(null, null, null, null, null, fromScratch, false));
            });
            if (fromScratch) {
                restarted++;
            } else {
                resumed++;
            }
        }
        if (resumed + restarted > 0) {
            LOG.info("Recovered runs left in flight: {} resumed at their first unfinished step, {} restarted in a "
                    + "new sandbox", resumed, restarted);
        }
        new ReaperTask(engine).run();
    }
}
