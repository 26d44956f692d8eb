package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic: a run the database shows as running that no execution of this engine holds was
 * stranded in this process, because recording its end or its retry failed (the disk of the
 * database full, for example). It goes back to the queue as at a restart, so it does not wait for
 * the next start. An execution is registered as active before its run is claimed and released
 * only after its end is recorded, so a running row without one is stranded; the version-checked
 * transition comes first, so a run that ended meanwhile is left alone.
 */
final class StrandedRunTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(StrandedRunTask.class);
    private final JobEngine engine;

    StrandedRunTask(JobEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "stranded runs";
    }

    @Override
    public void run() {
        if (engine.closing || engine.draining) {
            return;
        }
        for (RunRow r : engine.store.runs().inState(RunState.RUNNING.name())) {
            if (engine.active.containsKey(r.id()) || engine.closing) {
                continue;
            }
            boolean needsSandbox = r.sandboxSpec() != null;
            boolean alive = needsSandbox && r.sandboxId() != null && engine.sandboxes.isAlive(r.sandboxId());
            boolean fromScratch = needsSandbox && !alive;
            StateMachine.check(StateMachine.Subject.RUN, RunState.RUNNING, RunState.QUEUED);
            boolean requeued = engine.store.gate().write(h -> {
                if (!engine.store.runs().transition(h, r.id(), RunState.RUNNING.name(), RunState.QUEUED.name(),
                        r.version(), new RunRepository.Change(null, null, null, null, null, fromScratch, false))) {
                    return false;
                }
                engine.store.steps().moveAll(h, r.id(), RunState.RUNNING.name(), RunState.QUEUED.name(), null);
                if (fromScratch) {
                    engine.store.steps().moveAll(h, r.id(), RunState.SUCCEEDED.name(), RunState.QUEUED.name(), null);
                }
                return true;
            });
            if (requeued) {
                LOG.warn("Run {} was left running after recording its end failed; it is queued again{}", r.id(),
                        fromScratch ? " from its first step (its sandbox is gone)" : " at its first unfinished step");
                engine.wake();
            }
        }
    }
}
