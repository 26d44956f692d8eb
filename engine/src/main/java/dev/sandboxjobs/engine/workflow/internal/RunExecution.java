package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.InfrastructureFault;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import dev.sandboxjobs.storage.run.StepRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one run, from its claim to its end. Exactly one party ends it — the worker
 * (success, failure, retry) or an interrupter (timeout, cancellation) — decided by
 * {@link #ended}; the database update that records the end is guarded by the run's state too.
 */
final class RunExecution implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);
    /**
     * SandboxException codes that mean the infrastructure failed, not the work, so that another
     * attempt in a new sandbox may succeed: Docker unreachable, a Docker or container failure (a
     * container killed from outside mid-command), the sandbox gone from under the run, an
     * interpreter that stopped answering, the database unusable for a moment. Not retryable:
     * {@code IMAGE_MISSING} and {@code INVALID_ARGUMENT} (setup or configuration is needed),
     * {@code COMMAND_TIMEOUT} and file errors (the work's own doing), {@code CLOSED}.
     */
    static final Set<ErrorCode> INFRA_CODES = EnumSet.of(ErrorCode.DOCKER_UNAVAILABLE, ErrorCode.SANDBOX_ERROR,
            ErrorCode.SANDBOX_NOT_FOUND, ErrorCode.SANDBOX_DESTROYED, ErrorCode.INTERPRETER_UNAVAILABLE,
            ErrorCode.DATABASE_UNAVAILABLE);

    final JobEngine engine;
    final Workflow workflow;
    final String runId;
    private final RunRow row;
    private final int attempt;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<RunState> interruptedAs = new AtomicReference<>();
    private final AtomicBoolean sandboxDestroyed = new AtomicBoolean();
    private final Object workerLock = new Object();
    private Thread worker;
    private volatile TaskSandbox sandbox;
    private volatile String sandboxId;
    private volatile int currentStep = -1;
    private volatile ScheduledFuture<?> runTimer;

    RunExecution(JobEngine engine, Workflow workflow, RunRow row) {
        this.engine = engine;
        this.workflow = workflow;
        this.runId = row.id();
        this.row = row;
        this.attempt = row.attempt() + 1;
        this.sandboxId = row.sandboxId();
    }

    void startRunTimer() {
        if (row.timeoutMs() != null) {
            runTimer = engine.timers.schedule(() -> interruptLater(RunState.TIMED_OUT, new Failure("Timeout",
                    "The run exceeded its timeout of " + Duration.ofMillis(row.timeoutMs()), null, false)),
                    row.timeoutMs(), TimeUnit.MILLISECONDS);
        }
    }

    int attempt() {
        return attempt;
    }

    boolean isInterrupted() {
        return interruptedAs.get() != null || engine.closing;
    }

    @Override
    public void run() {
        synchronized (workerLock) {
            worker = Thread.currentThread();
        }
        try {
            if (!ended.get()) {
                execute();
            }
        } finally {
            synchronized (workerLock) {
                worker = null;
            }
            Thread.interrupted();
        }
    }

    /*
     * The claim already moved the first unfinished step to RUNNING; each later step is started in
     * the same transaction that records its predecessor's success, and the last step's success is
     * recorded with the run's. So a run of n steps costs n + 1 write transactions after its submit.
     */
    private void execute() {
        List<Step> defs = workflow.steps();
        Map<String, JsonNode> results = new HashMap<>();
        int first = 0;
        JsonNode params;
        try {
            if (row.attempt() > 0) {
                List<StepRow> steps = engine.store.steps().forRun(runId);
                while (first < steps.size() && RunState.valueOf(steps.get(first).state()) == RunState.SUCCEEDED) {
                    results.put(steps.get(first).name(), engine.read(steps.get(first).result()));
                    first++;
                }
            }
            params = engine.read(row.parameters());
        } catch (Throwable t) {
            fault(t, null);
            return;
        }
        if (first >= defs.size()) {
            end(RunState.SUCCEEDED, null, null, null, null);
            return;
        }
        currentStep = first;
        engine.event(RunEvent.Type.STARTED, runId, workflow.name(), RunState.RUNNING, null, null);
        if (row.cancelRequested()) {
            interrupt(RunState.CANCELLED, new Failure("Cancelled", "Cancelled on request", null, false));
            return;
        }
        try {
            SandboxSpec spec = engine.readSpec(row.sandboxSpec());
            if (spec != null) {
                if (sandboxId != null && engine.sandboxes.isAlive(sandboxId)) {
                    sandbox = engine.sandboxes.attach(sandboxId, spec);
                } else {
                    sandboxId = null;
                    try {
                        sandbox = engine.sandboxes.create(runId, spec);
                    } catch (SandboxException e) {
                        if (!INFRA_CODES.contains(e.code())) {
                            throw e;   // a missing image, an unset secret: setup is needed, a retry would not help
                        }
                        throw new InfrastructureFault("Could not create the sandbox: " + e.getMessage(), e);
                    } catch (RuntimeException e) {
                        throw new InfrastructureFault("Could not create the sandbox: " + e.getMessage(), e);
                    }
                    sandboxId = sandbox.id();
                    engine.store.runs().setSandbox(runId, sandboxId);
                }
            }
        } catch (Throwable t) {
            if (!isInterrupted()) {
                fault(t, first);
            }
            return;
        }
        for (int i = first; i < defs.size(); i++) {
            if (isInterrupted()) {
                return;
            }
            Step step = defs.get(i);
            currentStep = i;
            engine.event(RunEvent.Type.STEP_STARTED, runId, workflow.name(), RunState.RUNNING, step.name(),
                    RunState.RUNNING);
            Duration stepTimeout = step.timeout() != null ? step.timeout() : workflow.stepTimeout();
            ScheduledFuture<?> stepTimer = null;
            if (stepTimeout != null) {
                stepTimer = engine.timers.schedule(() -> interruptLater(RunState.TIMED_OUT, new Failure("Timeout",
                        "Step " + step.name() + " exceeded its timeout of " + stepTimeout, null, false)),
                        stepTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            StepResult result;
            try {
                result = step.execute(new StepContextImpl(this, i, sandbox, params, results));
                if (result == null) {
                    result = StepResult.success();
                }
            } catch (Throwable t) {
                if (stepTimer != null) {
                    stepTimer.cancel(false);
                }
                engine.logWriter.flushIfPending();
                if (!isInterrupted()) {
                    fault(t, i);
                }
                return;
            }
            if (stepTimer != null) {
                stepTimer.cancel(false);
            }
            engine.logWriter.flushIfPending();
            if (isInterrupted()) {
                return;
            }
            String resultJson;
            try {
                resultJson = engine.write(result.value());
            } catch (RuntimeException e) {
                fault(e, i);
                return;
            }
            if (!result.isSuccess()) {
                Failure f = new Failure("StepResult.failure", result.message(), null, false);
                RetryPolicy policy = JobEngine.retryPolicy(row.retry());
                if (policy.retryFailedResults() && attempt < policy.maxAttempts()) {
                    requeue(f, i, resultJson, policy);
                } else {
                    end(RunState.FAILED, f, i, RunState.FAILED, resultJson);
                }
                return;
            }
            if (i == defs.size() - 1) {
                end(RunState.SUCCEEDED, null, i, RunState.SUCCEEDED, resultJson);
                return;
            }
            results.put(step.name(), engine.read(resultJson));
            try {
                StateMachine.check(StateMachine.Subject.STEP, RunState.RUNNING, RunState.SUCCEEDED);
                if (!engine.store.steps().advance(runId, i, RunState.RUNNING.name(), RunState.SUCCEEDED.name(),
                        RunState.QUEUED.name(), engine.clock.millis(), resultJson)) {
                    if (!isInterrupted()) {
                        end(RunState.FAILED, new Failure("IllegalStateException", "The stored steps of run " + runId
                                + " no longer match workflow " + workflow.name() + " (was it changed after the run "
                                + "was submitted?); submit the run again.", null, false), null, RunState.FAILED,
                                null);
                    }
                    return;
                }
                currentStep = i + 1;
            } catch (Throwable t) {
                if (!isInterrupted()) {
                    fault(t, i);
                }
                return;
            }
            engine.event(RunEvent.Type.STEP_FINISHED, runId, workflow.name(), RunState.RUNNING, step.name(),
                    RunState.SUCCEEDED);
        }
    }

    private void fault(Throwable t, Integer stepIndex) {
        if (engine.closing) {
            return;
        }
        boolean retryable = isRetryable(t);
        Failure f = new Failure(t.getClass().getName(), String.valueOf(t.getMessage()), stackTrace(t), retryable);
        RetryPolicy policy = JobEngine.retryPolicy(row.retry());
        if (retryable && attempt < policy.maxAttempts()) {
            requeue(f, stepIndex, null, policy);
        } else {
            end(RunState.FAILED, f, stepIndex, RunState.FAILED, null);
        }
    }

    static boolean isRetryable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InfrastructureFault || c instanceof IOException) {
                return true;
            }
            if (c instanceof SandboxException se && INFRA_CODES.contains(se.code())) {
                return true;
            }
        }
        return false;
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 16_384 ? s.substring(0, 16_384) + "\n…[cut]" : s;
    }

    /** From a timer: the interruption (a sandbox destroy, a write) runs on a worker, not on the timer. */
    private void interruptLater(RunState state, Failure failure) {
        try {
            engine.workers.execute(() -> interrupt(state, failure));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the engine is closing; the next engine recovers the run
        }
    }

    /** Called by a timer or by cancel: stops the work, destroys the sandbox, records {@code state}. */
    void interrupt(RunState state, Failure failure) {
        if (!interruptedAs.compareAndSet(null, state)) {
            return;
        }
        synchronized (workerLock) {
            if (worker != null) {
                worker.interrupt();
            }
        }
        destroySandbox();
        int step = currentStep;
        end(state, failure, step >= 0 ? step : null, state, null);
    }

    /** Ends the run in a finished state, once. */
    private void end(RunState to, Failure failure, Integer stepIndex, RunState stepTo, String resultJson) {
        if (engine.closing || !ended.compareAndSet(false, true)) {
            return;
        }
        boolean wasInterrupted = Thread.interrupted();
        try {
            cancelTimer();
            StateMachine.check(StateMachine.Subject.RUN, RunState.RUNNING, to);
            long now = engine.clock.millis();
            engine.store.gate().use(h -> {
                if (stepIndex != null) {
                    engine.store.steps().transition(h, runId, stepIndex, RunState.RUNNING.name(), stepTo.name(), null,
                            now, stepTo == RunState.SUCCEEDED || stepTo == RunState.FAILED ? resultJson : null,
                            JobEngine.columns(failure), false);
                }
                if (to != RunState.SUCCEEDED) {
                    engine.store.steps().moveAll(h, runId, RunState.RUNNING.name(), stepTo == null
                            ? RunState.CANCELLED.name() : stepTo.name(), now);
                    engine.store.steps().moveAll(h, runId, RunState.QUEUED.name(), RunState.CANCELLED.name(), now);
                }
                boolean won = engine.store.runs().transition(h, runId, RunState.RUNNING.name(), to.name(), null,
                        new RunRepository.Change(resultJson, JobEngine.columns(failure), null, now, null, false,
                                failure == null));
                if (!won) {
                    LOG.warn("Run {} was no longer running when it should have become {}", runId, to);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("Could not record the end of run {} as {}; it is queued again within the reap interval (or at the next start)", runId, to,
                    e);
        } finally {
            destroySandbox();
            engine.released(this);
            if (wasInterrupted && interruptedAs.get() == null) {
                Thread.currentThread().interrupt();
            }
        }
        if (stepIndex != null) {
            engine.event(RunEvent.Type.STEP_FINISHED, runId, workflow.name(), to, workflow.steps().get(stepIndex).name(),
                    stepTo);
        }
        engine.finished(runId, workflow.name(), to);
    }

    /** Puts the run back in the queue for another attempt after a backoff. */
    private void requeue(Failure failure, Integer stepIndex, String resultJson, RetryPolicy policy) {
        if (engine.closing || !ended.compareAndSet(false, true)) {
            return;
        }
        try {
            cancelTimer();
            long base = policy.baseDelay(attempt + 1).toMillis();
            long delay = base - (long) (base * policy.jitter() * ThreadLocalRandom.current().nextDouble());
            long now = engine.clock.millis();
            boolean freshSandbox = row.sandboxSpec() != null;
            StateMachine.check(StateMachine.Subject.RUN, RunState.RUNNING, RunState.QUEUED);
            engine.store.gate().use(h -> {
                if (stepIndex != null) {
                    engine.store.steps().transition(h, runId, stepIndex, RunState.RUNNING.name(),
                            RunState.QUEUED.name(), null, now, resultJson, JobEngine.columns(failure), false);
                }
                engine.store.steps().moveAll(h, runId, RunState.RUNNING.name(), RunState.QUEUED.name(), null);
                if (freshSandbox) {
                    engine.store.steps().moveAll(h, runId, RunState.SUCCEEDED.name(), RunState.QUEUED.name(), null);
                }
                engine.store.runs().transition(h, runId, RunState.RUNNING.name(), RunState.QUEUED.name(), null,
                        new RunRepository.Change(null, JobEngine.columns(failure), null, null, now + delay, true,
                                false));
            });
            LOG.info("Run {} attempt {} failed with a retryable fault ({}); retrying in {} ms", runId, attempt,
                    failure.message(), delay);
        } catch (RuntimeException e) {
            LOG.error("Could not requeue run {}; it is queued again within the reap interval (or at the next start)", runId, e);
        } finally {
            destroySandbox();
            engine.released(this);
        }
        engine.event(RunEvent.Type.QUEUED, runId, workflow.name(), RunState.QUEUED, null, null);
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = runTimer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void destroySandbox() {
        String id = sandboxId;
        if (id != null && sandboxDestroyed.compareAndSet(false, true)) {
            try {
                engine.sandboxes.destroy(id);
            } catch (RuntimeException e) {
                LOG.warn("Could not destroy sandbox {} of run {}; the reaper will retry", id, runId, e);
            }
        }
    }
}
