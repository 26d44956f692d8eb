package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;
/** Applies schedules added, paused, resumed or deleted by clients (other processes) to Quartz. */
final class ScheduleSyncTask implements Task {
    private final Schedules schedules;
    private final Dispatcher dispatcher;

    ScheduleSyncTask(Schedules schedules, Dispatcher dispatcher) {
        this.schedules = schedules;
        this.dispatcher = dispatcher;
    }

    @Override
    public String name() {
        return "schedule-sync";
    }

    @Override
    public void run() {
        if (!dispatcher.closing && !dispatcher.draining) {
            schedules.sync();
        }
    }
}
