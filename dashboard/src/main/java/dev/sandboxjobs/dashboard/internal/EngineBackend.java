package dev.sandboxjobs.dashboard.internal;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.engine.workflow.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The dashboard's backend over a {@link JobsClient} (a worker or a client over the database) and,
 * optionally, a {@link SandboxEngine} for the sandboxes page, opened on first use when given as a
 * supplier (so that a dashboard over the database alone needs Docker only for that page).
 */
public final class EngineBackend implements DashboardBackend {
    private final JobsClient jobs;
    private final Supplier<SandboxEngine> sandboxEngine;
    private SandboxEngine opened;

    public EngineBackend(JobsClient jobs, Supplier<SandboxEngine> sandboxEngine) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.sandboxEngine = sandboxEngine;
    }

    @Override
    public Page<Run> runs(RunQuery query) {
        return jobs.list(query);
    }

    @Override
    public Run run(String runId) {
        return jobs.get(runId);
    }

    @Override
    public List<LogLine> logs(String runId, long afterSeq, int limit) {
        return jobs.logs(runId, afterSeq, limit);
    }

    @Override
    public List<ArtifactInfo> artifacts(String runId) {
        return jobs.artifacts(runId);
    }

    @Override
    public byte[] artifact(String runId, String name) {
        return jobs.readArtifact(runId, name);
    }

    @Override
    public CancelResult cancel(String runId) {
        return jobs.cancel(runId);
    }

    @Override
    public Run rerun(String runId, String relationLabel, String idempotencyKey) {
        Run old = jobs.get(runId);
        Map<String, String> labels = new LinkedHashMap<>(old.labels());
        labels.put(relationLabel, old.id());
        RunRequest.Builder request = RunRequest.of(old.workflow()).parameters(old.parameters()).labels(labels)
                .priority(old.priority()).idempotencyKey(idempotencyKey);
        if (old.timeout() != null) {
            request.timeout(old.timeout());
        }
        return jobs.submit(request.build());
    }

    @Override
    public RunStatistics statistics(Instant since, Duration bucket) {
        return jobs.statistics(since, bucket);
    }

    @Override
    public List<Schedule> schedules() {
        return jobs.schedules();
    }

    @Override
    public Schedule pauseSchedule(String scheduleId) {
        return jobs.pauseSchedule(scheduleId);
    }

    @Override
    public Schedule resumeSchedule(String scheduleId) {
        return jobs.resumeSchedule(scheduleId);
    }

    @Override
    public Run triggerSchedule(String scheduleId) {
        return jobs.triggerSchedule(scheduleId);
    }

    @Override
    public synchronized String sandboxesUnavailable() {
        if (sandboxEngine == null) {
            return "This dashboard was started without a sandbox engine, so it cannot list sandboxes.";
        }
        if (opened == null) {
            try {
                opened = sandboxEngine.get();
            } catch (SandboxException e) {
                // not remembered: Docker may come up later
                return "Sandboxes cannot be listed: " + e.getMessage();
            }
        }
        return null;
    }

    @Override
    public List<SandboxInfo> sandboxes() {
        return engine().listSandboxes();
    }

    @Override
    public boolean destroySandbox(String sandboxId) {
        return engine().destroySandbox(sandboxId);
    }

    private synchronized SandboxEngine engine() {
        String unavailable = sandboxesUnavailable();
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        return opened;
    }
}
