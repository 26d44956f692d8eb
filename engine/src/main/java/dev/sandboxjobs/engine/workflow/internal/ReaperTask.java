package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.run.RunRow;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys sandboxes labelled with a run that no longer needs them: the run is over, unknown, or
 * uses another sandbox now. Sandboxes of runs executing in this engine are left alone.
 */
final class ReaperTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(ReaperTask.class);
    private final JobEngine engine;

    ReaperTask(JobEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "sandbox reaper";
    }

    @Override
    public void run() {
        for (SandboxProvider.LiveSandbox s : engine.sandboxes.liveSandboxes()) {
            if (engine.active.containsKey(s.runId())) {
                continue;
            }
            Optional<RunRow> run = engine.store.runs().find(s.runId());
            boolean keep = run.isPresent() && !RunState.valueOf(run.get().state()).isFinished()
                    && s.sandboxId().equals(run.get().sandboxId());
            if (!keep) {
                LOG.info("Destroying sandbox {} of run {}: the run no longer needs it", s.sandboxId(), s.runId());
                engine.sandboxes.destroy(s.sandboxId());
            }
        }
    }
}
