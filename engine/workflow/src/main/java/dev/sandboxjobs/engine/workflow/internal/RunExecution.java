package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.InfrastructureFault;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.StepSandbox;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunRow;
import dev.sandboxjobs.storage.run.StepRow;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
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
    final JobServices services;
    private final Dispatcher dispatcher;
    final Workflow workflow;
    final String runId;
    private final RunRow row;
    private final int attempt;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<RunState> interruptedAs = new AtomicReference<>();
    private final AtomicBoolean sandboxDestroyed = new AtomicBoolean();
    private final Object workerLock = new Object();
    private Thread worker;
    private volatile StepSandbox sandbox;
    private volatile String sandboxId;
    private volatile int currentStep = -1;
    private volatile ScheduledFuture<?> runTimer;
    /** The engine's lease epoch when this execution began: it writes only while that lease holds. */
    private final long epoch;

    RunExecution(JobServices services, Dispatcher dispatcher, Workflow workflow, RunRow row) {
        this.services = services;
        this.dispatcher = dispatcher;
        this.epoch = dispatcher.membership.epoch();
        this.workflow = workflow;
        this.runId = row.id();
        this.row = row;
        this.attempt = row.attempt() + 1;
        this.sandboxId = row.sandboxId();
    }

    void startRunTimer() {
        if (row.timeoutMs() != null) {
            runTimer = dispatcher.timers.once(Duration.ofMillis(row.timeoutMs()), () -> interruptLater(
                    RunState.TIMED_OUT, new Failure("Timeout", "The run exceeded its timeout of "
                            + Duration.ofMillis(row.timeoutMs()), null, false)));
        }
    }

    int attempt() {
        return attempt;
    }

    boolean isInterrupted() {
        return interruptedAs.get() != null || dispatcher.closing || lost();
    }

    /**
     * Whether this engine's lease lapsed since the execution began (it was frozen or cut off for
     * longer than the lease): another engine may own the run now, so nothing more is written here.
     */
    private boolean lost() {
        return !dispatcher.membership.held(epoch);
    }

    /** Lets go of a run that another engine may have taken over: no write, its sandbox left alone. */
    private void abandon() {
        if (ended.compareAndSet(false, true)) {
            cancelTimer();
            LOG.warn("Run {} is abandoned by engine {}: its lease lapsed while the run executed, so another "
                    + "engine takes it over", runId, dispatcher.membership.id());
            dispatcher.released(this);
        }
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
            // the steps stop early when this engine's lease lapsed: let the run go (nothing written),
            // or it would stay in the runs in flight and never be queued again by TakeoverTask
            if (!ended.get() && interruptedAs.get() == null && !dispatcher.closing && lost()) {
                abandon();
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
                List<StepRow> steps = services.store().steps().forRun(runId);
                while (first < steps.size() && RunState.valueOf(steps.get(first).state()) == RunState.SUCCEEDED) {
                    results.put(steps.get(first).name(), services.json().read(steps.get(first).result()));
                    first++;
                }
            }
            params = services.json().read(row.parameters());
        } catch (Throwable t) {
            fault(t, null);
            return;
        }
        if (first >= defs.size()) {
            end(RunState.SUCCEEDED, null, null, null, null);
            return;
        }
        currentStep = first;
        services.events().event(RunEvent.Type.STARTED, runId, workflow.name(), RunState.RUNNING, null, null);
        if (row.cancelRequested()) {
            interrupt(RunState.CANCELLED, new Failure("Cancelled", "Cancelled on request", null, false));
            return;
        }
        try {
            SandboxSpec spec = services.json().readSpec(row.sandboxSpec());
            if (spec != null) {
                if (sandboxId != null && services.sandboxes().isAlive(sandboxId)) {
                    sandbox = services.sandboxes().attach(sandboxId, spec);
                } else {
                    sandboxId = null;
                    try {
                        sandbox = services.sandboxes().create(runId, spec);
                    } catch (SandboxJobsException e) {
                        if (!services.sandboxes().isInfrastructureFault(e)) {
                            throw e;   // a missing image, an unset secret: setup is needed, a retry would not help
                        }
                        throw new InfrastructureFault("Could not create the sandbox: " + e.getMessage(), e);
                    } catch (RuntimeException e) {
                        throw new InfrastructureFault("Could not create the sandbox: " + e.getMessage(), e);
                    }
                    sandboxId = sandbox.id();
                    services.store().runs().setSandbox(runId, sandboxId);
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
            services.events().event(RunEvent.Type.STEP_STARTED, runId, workflow.name(), RunState.RUNNING, step.name(),
                    RunState.RUNNING);
            Duration stepTimeout = step.timeout() != null ? step.timeout() : workflow.stepTimeout();
            ScheduledFuture<?> stepTimer = null;
            if (stepTimeout != null) {
                stepTimer = dispatcher.timers.once(stepTimeout, () -> interruptLater(RunState.TIMED_OUT,
                        new Failure("Timeout", "Step " + step.name() + " exceeded its timeout of " + stepTimeout, null,
                                false)));
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
                services.logs().flushIfPending();
                if (!isInterrupted()) {
                    fault(t, i);
                }
                return;
            }
            if (stepTimer != null) {
                stepTimer.cancel(false);
            }
            services.logs().flushIfPending();
            if (isInterrupted()) {
                return;
            }
            String resultJson;
            try {
                resultJson = services.json().write(result.value());
            } catch (RuntimeException e) {
                fault(e, i);
                return;
            }
            if (!result.isSuccess()) {
                Failure f = new Failure("StepResult.failure", result.message(), null, false);
                RetryPolicy policy = Rows.retryPolicy(row.retry());
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
            results.put(step.name(), services.json().read(resultJson));
            if (lost()) {
                abandon();
                return;
            }
            try {
                if (!services.states().advance(runId, i, services.clock().millis(), resultJson)) {
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
            services.events().event(RunEvent.Type.STEP_FINISHED, runId, workflow.name(), RunState.RUNNING, step.name(),
                    RunState.SUCCEEDED);
        }
    }

    private void fault(Throwable t, Integer stepIndex) {
        if (dispatcher.closing) {
            return;
        }
        boolean retryable = isRetryable(t);
        Failure f = new Failure(t.getClass().getName(), String.valueOf(t.getMessage()), stackTrace(t), retryable);
        RetryPolicy policy = Rows.retryPolicy(row.retry());
        if (retryable && attempt < policy.maxAttempts()) {
            requeue(f, stepIndex, null, policy);
        } else {
            end(RunState.FAILED, f, stepIndex, RunState.FAILED, null);
        }
    }

    /**
     * Whether the failure lies in the infrastructure, not in the work, so that another attempt in a
     * new sandbox may succeed: an {@link InfrastructureFault}, an I/O error, the database unusable
     * for a moment, or what the sandbox provider calls an infrastructure fault (for the SDK: Docker
     * unreachable, a container killed from outside, the sandbox gone, an interpreter that stopped
     * answering).
     */
    private boolean isRetryable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InfrastructureFault || c instanceof IOException) {
                return true;
            }
            if (c instanceof JobException je && je.code() == JobErrorCode.DATABASE_UNAVAILABLE) {
                return true;
            }
            if (services.sandboxes().isInfrastructureFault(c)) {
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
            dispatcher.workers.execute(() -> interrupt(state, failure));
        } catch (RejectedExecutionException e) {
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
        if (lost()) {
            abandon();
            return;
        }
        if (dispatcher.closing || !ended.compareAndSet(false, true)) {
            return;
        }
        boolean[] won = {true};
        boolean wasInterrupted = Thread.interrupted();
        CompletableFuture<Void> sandboxGone = CompletableFuture.completedFuture(null);
        try {
            cancelTimer();
            long now = services.clock().millis();
            services.states().useTransaction(tx -> {
                // the run first, fenced by its owner: an engine that lost the run changes nothing
                won[0] = tx.ownedRun(runId, RunState.RUNNING, to, dispatcher.membership.id(),
                        new RunRepository.Change(resultJson, Rows.columns(failure), null, now, null, false,
                                failure == null));
                if (!won[0]) {
                    LOG.warn("Run {} was no longer running here when it should have become {}", runId, to);
                    return;
                }
                if (stepIndex != null) {
                    tx.step(runId, stepIndex, RunState.RUNNING, stepTo, null, now,
                            stepTo == RunState.SUCCEEDED || stepTo == RunState.FAILED ? resultJson : null,
                            Rows.columns(failure), false);
                }
                if (to != RunState.SUCCEEDED) {
                    tx.steps(runId, RunState.RUNNING, stepTo == null ? RunState.CANCELLED : stepTo, now);
                    tx.steps(runId, RunState.QUEUED, RunState.CANCELLED, now);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("Could not record the end of run {} as {}; the takeover task queues it again within a second", runId, to,
                    e);
        } finally {
            if (won[0]) {
                sandboxGone = destroySandboxLater();
            }
            dispatcher.released(this);
            if (wasInterrupted && interruptedAs.get() == null) {
                Thread.currentThread().interrupt();
            }
        }
        if (stepIndex != null) {
            services.events().event(RunEvent.Type.STEP_FINISHED, runId, workflow.name(), to, workflow.steps().get(stepIndex).name(),
                    stepTo);
        }
        services.events().finished(runId, workflow.name(), to, sandboxGone);
    }

    /** Puts the run back in the queue for another attempt after a backoff. */
    private void requeue(Failure failure, Integer stepIndex, String resultJson, RetryPolicy policy) {
        if (lost()) {
            abandon();
            return;
        }
        if (dispatcher.closing || !ended.compareAndSet(false, true)) {
            return;
        }
        boolean[] won = {true};
        try {
            cancelTimer();
            long base = policy.baseDelay(attempt + 1).toMillis();
            long delay = base - (long) (base * policy.jitter() * ThreadLocalRandom.current().nextDouble());
            long now = services.clock().millis();
            boolean freshSandbox = row.sandboxSpec() != null;
            services.states().useTransaction(tx -> {
                won[0] = tx.ownedRun(runId, RunState.RUNNING, RunState.QUEUED, dispatcher.membership.id(),
                        new RunRepository.Change(null, Rows.columns(failure), null, null, now + delay, true, false));
                if (!won[0]) {
                    return;
                }
                if (stepIndex != null) {
                    tx.step(runId, stepIndex, RunState.RUNNING, RunState.QUEUED, null, now, resultJson,
                            Rows.columns(failure), false);
                }
                tx.steps(runId, RunState.RUNNING, RunState.QUEUED, null);
                if (freshSandbox) {
                    tx.steps(runId, RunState.SUCCEEDED, RunState.QUEUED, null);
                }
            });
            LOG.info("Run {} attempt {} failed with a retryable fault ({}); retrying in {} ms", runId, attempt,
                    failure.message(), delay);
        } catch (RuntimeException e) {
            LOG.error("Could not requeue run {}; the takeover task queues it again within a second", runId, e);
        } finally {
            if (won[0]) {
                destroySandboxLater();
            }
            dispatcher.released(this);
        }
        services.events().event(RunEvent.Type.QUEUED, runId, workflow.name(), RunState.QUEUED, null, null);
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = runTimer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /**
     * Destroys the sandbox in the background, off the run's critical path (the run's end is recorded
     * and its slot freed meanwhile); the future completes once it is gone.
     */
    private CompletableFuture<Void> destroySandboxLater() {
        String id = sandboxId;
        if (id != null && sandboxDestroyed.compareAndSet(false, true)) {
            return dispatcher.removals.destroy(runId, id);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Destroys the sandbox now: an interruption stops the work so. */
    private void destroySandbox() {
        String id = sandboxId;
        if (id != null && sandboxDestroyed.compareAndSet(false, true)) {
            try {
                services.sandboxes().destroy(id);
            } catch (RuntimeException e) {
                LOG.warn("Could not destroy sandbox {} of run {}; the reaper will retry", id, runId, e);
            }
        }
    }
}
