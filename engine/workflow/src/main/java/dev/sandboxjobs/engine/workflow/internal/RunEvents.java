package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunState;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What happens to runs in this process, told to the listeners, and the signals awaiters wait for. */
final class RunEvents {
    private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

    private final Clock clock;
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Void>> finishSignals = new ConcurrentHashMap<>();

    RunEvents(Clock clock) {
        this.clock = clock;
    }

    void addListener(RunListener listener) {
        listeners.add(listener);
    }

    void removeListener(RunListener listener) {
        listeners.remove(listener);
    }

    void event(RunEvent.Type type, String runId, String workflow, RunState state, String step, RunState stepState) {
        if (listeners.isEmpty()) {
            return;
        }
        RunEvent e = new RunEvent(type, runId, workflow, state, step, stepState, clock.instant());
        for (RunListener l : listeners) {
            try {
                switch (type) {
                    case QUEUED -> l.onQueued(e);
                    case STARTED -> l.onStarted(e);
                    case STEP_STARTED -> l.onStepStarted(e);
                    case STEP_FINISHED -> l.onStepFinished(e);
                    case FINISHED -> l.onFinished(e);
                }
            } catch (RuntimeException ex) {
                LOG.warn("Run listener {} threw on {}; ignored", l, e, ex);
            }
        }
    }

    /** Tells listeners, then awaiters, that a run is over (after it was persisted). */
    void finished(String runId, String workflow, RunState state) {
        finished(runId, workflow, state, CompletableFuture.completedFuture(null));
    }

    /**
     * Tells listeners that a run is over (after it was persisted), and awaiters once
     * {@code sandboxGone} completes too: its sandbox is destroyed in the background.
     */
    void finished(String runId, String workflow, RunState state, CompletableFuture<Void> sandboxGone) {
        event(RunEvent.Type.FINISHED, runId, workflow, state, null, null);
        sandboxGone.whenComplete((ignored, failure) -> {
            CompletableFuture<Void> f = finishSignals.remove(runId);
            if (f != null) {
                f.complete(null);
            }
        });
    }

    /** The signal completed when {@code runId} is over; {@link #forget} it when no longer waited for. */
    CompletableFuture<Void> finishSignal(String runId) {
        return finishSignals.computeIfAbsent(runId, k -> new CompletableFuture<>());
    }

    void forget(String runId, CompletableFuture<Void> signal) {
        finishSignals.remove(runId, signal);
    }
}
