package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;
import dev.sandboxjobs.engine.workflow.RunState;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes finished runs older than the configured retention, with their steps, logs and artifacts. */
final class RetentionTask implements Task {
    private static final Set<String> FINISHED_STATES = Set.of(RunState.SUCCEEDED.name(), RunState.FAILED.name(),
            RunState.CANCELLED.name(), RunState.TIMED_OUT.name());
    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);
    private final JobServices services;

    RetentionTask(JobServices services) {
        this.services = services;
    }

    @Override
    public String name() {
        return "retention sweep";
    }

    @Override
    public void run() {
        int n = sweep();
        if (n > 0) {
            LOG.info("Retention deleted {} finished runs older than {}", n, services.options().retention());
        }
    }

    int sweep() {
        long cutoff = services.clock().millis() - services.options().retention().toMillis();
        int total = 0;
        int n;
        do {
            n = services.store().runs().deleteFinishedBefore(cutoff, FINISHED_STATES, 500);
            total += n;
        } while (n > 0);
        return total;
    }
}
