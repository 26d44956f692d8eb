package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;

/**
 * Runs once at start: the runs left in flight by engines that are gone (this machine's previous
 * engine after a crash, or another machine's) are taken over ({@link TakeoverTask}), then
 * sandboxes of runs that are over are destroyed ({@link ReaperTask}).
 */
final class RecoveryTask implements Task {
    private final TakeoverTask takeover;
    private final ReaperTask reaper;

    RecoveryTask(TakeoverTask takeover, ReaperTask reaper) {
        this.takeover = takeover;
        this.reaper = reaper;
    }

    @Override
    public String name() {
        return "recovery";
    }

    @Override
    public void run() {
        takeover.run();
        reaper.run();
    }
}
