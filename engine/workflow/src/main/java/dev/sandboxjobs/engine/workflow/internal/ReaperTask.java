package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxProvider;
import dev.sandboxjobs.storage.run.RunRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reaper of runs' sandboxes: destroys sandboxes labelled with a run that no longer needs
 * them — the run is over or unknown, or (seen from the worker) it uses another sandbox now.
 * Sandboxes of runs executing in this process, or whose ended run's sandbox this process is
 * destroying in the background ({@link SandboxRemovals}), are left alone. The worker runs it periodically and
 * after recovery; any process can run it through {@code JobEngine.reapSandboxes()} (the command
 * line's {@code sandboxes gc}).
 */
final class ReaperTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(ReaperTask.class);
    private final JobServices services;
    private final Predicate<String> executingHere;
    private final String engineId;

    /**
     * {@code executingHere} tells whether this process executes a run (or destroys its sandbox); null for a process that
     * executes none (a client), which keeps every sandbox of an unfinished run, since the worker
     * in another process may be attaching it to that run at this very moment.
     */
    ReaperTask(JobServices services, Predicate<String> executingHere) {
        this(services, executingHere, null);
    }

    /**
     * A worker's reaper: {@code engineId} is its lease's id, so that the sandbox of a run that
     * another engine executes (perhaps creating it now, its id not stored yet) is left to that
     * engine.
     */
    ReaperTask(JobServices services, Predicate<String> executingHere, String engineId) {
        this.services = services;
        this.executingHere = executingHere;
        this.engineId = engineId;
    }

    @Override
    public String name() {
        return "sandbox reaper";
    }

    @Override
    public void run() {
        reap();
    }

    /** Destroys what no run needs; returns what it destroyed. */
    List<SandboxProvider.LiveSandbox> reap() {
        List<SandboxProvider.LiveSandbox> destroyed = new ArrayList<>();
        for (SandboxProvider.LiveSandbox s : services.sandboxes().liveSandboxes()) {
            if (executingHere != null && executingHere.test(s.runId())) {
                continue;
            }
            Optional<RunRow> run = services.store().runs().find(s.runId());
            boolean unfinished = run.isPresent() && !RunState.valueOf(run.get().state()).isFinished();
            boolean keep = unfinished && (executingHere == null || s.sandboxId().equals(run.get().sandboxId()));
            // another engine on the same Docker host may be creating this run's sandbox (its id not
            // stored yet): the owner destroys what it no longer needs; a dead owner's run is taken
            // over first and reaped afterwards
            String owner = run.map(RunRow::owner).orElse(null);
            if (unfinished && RunState.RUNNING.name().equals(run.get().state()) && owner != null
                    && !owner.equals(engineId)) {
                keep = true;
            }
            if (!keep) {
                LOG.info("Destroying sandbox {} of run {}: the run no longer needs it", s.sandboxId(), s.runId());
                services.sandboxes().destroy(s.sandboxId());
                destroyed.add(s);
            }
        }
        return destroyed;
    }
}
