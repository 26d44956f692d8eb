package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.internal.DatabaseErrors.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.run.NewRun;
import dev.sandboxjobs.storage.run.RunRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Queues runs: validates the request against its workflow, stores the run with its steps (an
 * idempotency key seen before returns that run), and wakes the dispatcher. A timed run waits for
 * the scheduler's trigger on a worker, and for its {@code not_before} from a client.
 */
final class Submissions {
    private final JobServices services;
    private final Workflows workflows;
    private final QuartzScheduling quartz;
    private final Runnable wake;
    private final String pinTo;

    /**
     * {@code quartz} is null for a client; {@code wake} tells the dispatcher of this process, if any;
     * {@code pinTo} (may be null) is the engine that alone may start the runs submitted here (a
     * one-shot engine's own id, see {@code JobsOptions.pinSubmissions}).
     */
    Submissions(JobServices services, Workflows workflows, QuartzScheduling quartz, Runnable wake, String pinTo) {
        this.services = services;
        this.workflows = workflows;
        this.quartz = quartz;
        this.wake = wake;
        this.pinTo = pinTo;
    }

    Run submit(RunRequest request, Instant at, String scheduleId, String keyOverride, RunQueries queries) {
        Workflow wf = workflows.get(request.workflow());
        JsonNode params = services.json().parameters(request.parameters());
        List<String> problems = wf.validator().validate(params);
        if (!problems.isEmpty()) {
            throw new JobException(JobErrorCode.INVALID_PARAMETERS, "Parameters of workflow " + wf.name()
                    + " are invalid: " + String.join("; ", problems) + ". Fix them and submit again.");
        }
        RetryPolicy retry = request.retry() != null ? request.retry() : wf.retry();
        Duration timeout = request.timeout() != null ? request.timeout() : wf.timeout();
        SandboxSpec spec = request.sandbox() != null ? request.sandbox() : wf.sandbox(params);
        long now = services.clock().millis();
        String id = "run-" + UUID.randomUUID();
        String key = keyOverride != null ? keyOverride : request.idempotencyKey();
        List<String> stepNames = wf.steps().stream().map(Step::name).toList();
        RunJson json = services.json();
        NewRun row = new NewRun(id, wf.name(), RunState.QUEUED.name(), request.priority(), json.write(params),
                spec == null ? null : json.write(spec), request.labels(), json.write(request.labels()), key, scheduleId,
                timeout == null ? null : timeout.toMillis(), Rows.retryColumns(retry),
                // a client has no scheduler: its timed run waits in the queue until the worker's dispatcher
                // finds it due (not_before), instead of waiting for a Quartz trigger
                at == null ? null : at.toEpochMilli(), at != null && quartz != null, now, stepNames,
                RunState.QUEUED.name());
        RunRepository.Inserted inserted = guard(() -> services.store().runs().insert(row, pinTo));
        if (!inserted.created()) {
            return queries.get(inserted.id());
        }
        if (at != null && quartz != null) {
            quartz.scheduleRunAt(id, at);
        }
        services.events().event(RunEvent.Type.QUEUED, id, wf.name(), RunState.QUEUED, null, null);
        wake.run();
        List<StepRun> steps = new ArrayList<>();
        for (int i = 0; i < stepNames.size(); i++) {
            steps.add(new StepRun(i, stepNames.get(i), RunState.QUEUED, 0, null, null, null, null));
        }
        return new Run(id, wf.name(), RunState.QUEUED, request.priority(), params, request.labels(), key, scheduleId,
                0, retry.maxAttempts(), timeout, Instant.ofEpochMilli(now), null, null, at, null, null, null, steps);
    }
}
