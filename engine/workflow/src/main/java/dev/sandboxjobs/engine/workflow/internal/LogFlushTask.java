package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;

/** Writes the steps' queued log lines every 50 ms (a step's end flushes its own lines at once). */
final class LogFlushTask implements Task {
    private final LogWriter logs;

    LogFlushTask(LogWriter logs) {
        this.logs = logs;
    }

    @Override
    public String name() {
        return "log flush";
    }

    @Override
    public void run() {
        logs.flushIfPending();
    }
}
