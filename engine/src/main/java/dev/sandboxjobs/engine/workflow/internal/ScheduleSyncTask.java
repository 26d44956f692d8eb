package dev.sandboxjobs.engine.workflow.internal;

/** Applies schedules added, paused, resumed or deleted by clients (other processes) to Quartz. */
final class ScheduleSyncTask implements Task {
    private final JobEngine engine;

    ScheduleSyncTask(JobEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "schedule-sync";
    }

    @Override
    public void run() {
        if (!engine.closing && !engine.draining) {
            engine.syncSchedules();
        }
    }
}
