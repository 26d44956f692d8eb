package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.run.FailureColumns;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic (every second), and once at start: runs that the database shows as running but that no
 * live engine executes go back to the queue, where any engine picks them up.
 *
 * <ul>
 *   <li>a run owned by a dead engine (its lease ran out, or its process on this machine is gone),
 *       or by none (written before engines had leases): taken over;</li>
 *   <li>a run owned by this engine that no execution of this engine holds: stranded here, because
 *       recording its end or its retry failed (the database's disk full, say).</li>
 * </ul>
 *
 * A run whose sandbox is still reachable from this engine (or that needs none) keeps its finished
 * steps and resumes at its first unfinished step; one whose sandbox is gone (or on a Docker host
 * this engine cannot see) starts again from its first step in a new sandbox. A run whose
 * cancellation was requested is cancelled. Every change is version-checked, so when two engines
 * take over the same run only one wins. Then pins to dead engines and their lease rows are dropped.
 */
final class TakeoverTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(TakeoverTask.class);
    private final JobServices services;
    private final Dispatcher dispatcher;
    private final EngineMembership membership;

    TakeoverTask(JobServices services, Dispatcher dispatcher, EngineMembership membership) {
        this.services = services;
        this.dispatcher = dispatcher;
        this.membership = membership;
    }

    @Override
    public String name() {
        return "takeover";
    }

    @Override
    public void run() {
        if (dispatcher.closing || dispatcher.draining) {
            return;
        }
        Set<String> live = membership.liveIds();
        int resumed = 0;
        int restarted = 0;
        for (RunRow r : services.store().runs().inStateNotOwnedBy(RunState.RUNNING.name(), live)) {
            if (dispatcher.closing) {
                return;
            }
            Boolean fresh = requeue(r);
            if (fresh != null) {
                LOG.warn("Run {} was running on engine {}, which is gone; taken over by engine {}, {}", r.id(),
                        r.owner(), membership.id(), fresh ? "from its first step in a new sandbox (its "
                                + "sandbox is not reachable)" : "at its first unfinished step");
                if (fresh) {
                    restarted++;
                } else {
                    resumed++;
                }
            }
        }
        String me = membership.id();
        for (RunRow r : services.store().runs().inState(RunState.RUNNING.name())) {
            // not while its sandbox is still being removed here: queued again now, it would resume in it
            if (me.equals(r.owner()) && !dispatcher.holds(r.id()) && !dispatcher.closing) {
                Boolean fresh = requeue(r);
                if (fresh != null) {
                    LOG.warn("Run {} was left running after recording its end failed; it is queued again{}", r.id(),
                            fresh ? " from its first step (its sandbox is gone)" : " at its first unfinished step");
                }
            }
        }
        services.store().runs().unpinFromDeadEngines(live);
        membership.forgetDead(live);
        if (resumed + restarted > 0) {
            LOG.info("Took over runs of gone engines: {} resumed at their first unfinished step, {} restarted in a "
                    + "new sandbox", resumed, restarted);
            dispatcher.wake();
        }
    }

    /**
     * Cancels (if asked) or queues the run again; returns null if another writer changed it first
     * (or it was cancelled), otherwise whether it starts afresh (true) or resumes (false).
     */
    private Boolean requeue(RunRow r) {
        long now = services.clock().millis();
        if (r.cancelRequested()) {
            boolean won = services.states().inTransaction(tx -> {
                if (!tx.run(r.id(), RunState.RUNNING, RunState.CANCELLED, r.version(), new RunRepository.Change(null,
                        new FailureColumns("Cancelled", "Cancelled on request", null, false), null, now, null,
                        false, false))) {
                    return false;
                }
                tx.steps(r.id(), RunState.RUNNING, RunState.CANCELLED, now);
                tx.steps(r.id(), RunState.QUEUED, RunState.CANCELLED, now);
                return true;
            });
            if (won && r.sandboxId() != null) {
                services.sandboxes().destroy(r.sandboxId());
            }
            return null;
        }
        boolean needsSandbox = r.sandboxSpec() != null;
        boolean alive = needsSandbox && r.sandboxId() != null && services.sandboxes().isAlive(r.sandboxId());
        boolean fromScratch = needsSandbox && !alive;
        boolean won = services.states().inTransaction(tx -> {
            if (!tx.run(r.id(), RunState.RUNNING, RunState.QUEUED, r.version(),
                    new RunRepository.Change(null, null, null, null, null, fromScratch, false))) {
                return false;
            }
            tx.steps(r.id(), RunState.RUNNING, RunState.QUEUED, null);
            if (fromScratch) {
                tx.steps(r.id(), RunState.SUCCEEDED, RunState.QUEUED, null);
            }
            return true;
        });
        if (!won) {
            return null;
        }
        if (fromScratch && r.sandboxId() != null) {
            services.sandboxes().destroy(r.sandboxId());
        }
        dispatcher.wake();
        return fromScratch;
    }
}
