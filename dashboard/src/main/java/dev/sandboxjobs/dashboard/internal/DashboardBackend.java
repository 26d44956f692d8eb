package dev.sandboxjobs.dashboard.internal;

import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.engine.workflow.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything the dashboard asks of the job engine and the sandbox SDK, in one place: the seam
 * between the dashboard and the engine's API ({@link EngineBackend} is the one implementation,
 * tests may use others). When the engine's API moves, this is what changes.
 */
public interface DashboardBackend {
    Page<Run> runs(RunQuery query);

    Run run(String runId);

    List<LogLine> logs(String runId, long afterSeq, int limit);

    List<ArtifactInfo> artifacts(String runId);

    byte[] artifact(String runId, String name);

    CancelResult cancel(String runId);

    /** A new run of the same workflow with the same parameters, labels, priority and timeout. */
    Run rerun(String runId, String relationLabel, String idempotencyKey);

    RunStatistics statistics(Instant since, Duration bucket);

    List<Schedule> schedules();

    Schedule pauseSchedule(String scheduleId);

    Schedule resumeSchedule(String scheduleId);

    Run triggerSchedule(String scheduleId);

    /** Why sandboxes cannot be listed here (no sandbox engine given, Docker unreachable), or null when they can. */
    String sandboxesUnavailable();

    List<SandboxInfo> sandboxes();

    boolean destroySandbox(String sandboxId);
}
