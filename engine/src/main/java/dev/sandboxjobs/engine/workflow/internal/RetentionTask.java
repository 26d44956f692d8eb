package dev.sandboxjobs.engine.workflow.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes finished runs older than the configured retention, with their steps, logs and artifacts. */
final class RetentionTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);
    private final JobEngine engine;

    RetentionTask(JobEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "retention sweep";
    }

    @Override
    public void run() {
        int n = sweep();
        if (n > 0) {
            LOG.info("Retention deleted {} finished runs older than {}", n, engine.options.retention());
        }
    }

    int sweep() {
        long cutoff = engine.clock.millis() - engine.options.retention().toMillis();
        int total = 0;
        int n;
        do {
            n = engine.store.runs().deleteFinishedBefore(cutoff, JobEngine.FINISHED_STATES, 500);
            total += n;
        } while (n > 0);
        return total;
    }
}
