package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.TaskScheduler;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.run.RunRow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued runs on a worker: a dispatcher thread reads queued runs from the {@code runs}
 * table in priority and submission order, woken in memory by every submit and every finished run,
 * respects the global and per-workflow limits, claims the runs with a guarded update, and hands
 * each to a {@link RunExecution} on the worker pool. It also holds what the executions share: the
 * runs in flight, the worker pool, the timers, the removals of ended runs' sandboxes, and whether
 * the engine is closing or draining.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    final JobServices services;
    final TaskScheduler timers;
    final ExecutorService workers;
    final SandboxRemovals removals;
    private final Workflows workflows;
    /** This engine's lease among the engines sharing the database. */
    final EngineMembership membership;
    private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
    private final Object wakeLock = new Object();
    private boolean wakeRequested;
    private Thread thread;
    volatile boolean closing;
    volatile boolean draining;

    Dispatcher(JobServices services, Workflows workflows, TaskScheduler timers, EngineMembership membership) {
        this.services = services;
        this.workflows = workflows;
        this.timers = timers;
        this.membership = membership;
        this.removals = new SandboxRemovals(services.sandboxes(), this::wake);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sandbox-jobs-run-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        thread = new Thread(this::loop, "sandbox-jobs-dispatcher");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops dispatching, interrupts the runs in flight (they stay recorded as running) and waits for
     * the sandboxes of ended runs to be destroyed.
     */
    void stop() throws InterruptedException {
        closing = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
        removals.close();
    }

    void wake() {
        synchronized (wakeLock) {
            wakeRequested = true;
            wakeLock.notifyAll();
        }
    }

    /** The execution of {@code runId} in this process, or null. */
    RunExecution executing(String runId) {
        return active.get(runId);
    }

    boolean isExecuting(String runId) {
        return active.containsKey(runId);
    }

    /**
     * Whether this process still has work for the run: executing it, or destroying its sandbox
     * after it ended (so that its sandbox is neither reaped nor awaited elsewhere meanwhile).
     */
    boolean holds(String runId) {
        return active.containsKey(runId) || removals.removing(runId);
    }

    /** The runs this engine is executing now. */
    Set<String> executingRunIds() {
        return Set.copyOf(active.keySet());
    }

    boolean idle() {
        return active.isEmpty();
    }

    /** Called by an execution once its end is recorded and its sandbox's removal is under way. */
    void released(RunExecution e) {
        active.remove(e.runId, e);
        wake();
    }

    private void loop() {
        long waitMillis = 0;
        while (!closing) {
            try {
                synchronized (wakeLock) {
                    if (!wakeRequested && waitMillis > 0) {
                        wakeLock.wait(waitMillis);
                    }
                    wakeRequested = false;
                }
                waitMillis = dispatchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                LOG.warn("Dispatching failed; retrying in 1 s", e);
                waitMillis = 1_000;
            }
        }
    }

    /** Starts what may start now; returns how long to sleep unless woken. */
    long dispatchOnce() {
        if (draining) {
            return 1_000;
        }
        // an ended run's slot is free while its sandbox is removed, up to as many removals as the limit:
        // beyond that, removals hold slots too, so that containers never pile up faster than Docker removes them
        int max = services.options().maxConcurrentRuns();
        int free = max - active.size() - Math.max(0, removals.pending() - max);
        long now = services.clock().millis();
        if (free > 0) {
            int fetch = free + 64;
            Map<String, Integer> perWorkflow = new HashMap<>();
            for (RunExecution e : active.values()) {
                perWorkflow.merge(e.workflow.name(), 1, Integer::sum);
            }
            Map<String, RunExecution> chosen = new LinkedHashMap<>();
            List<RunRow> candidates;
            int offset = 0;
            do {
                // Runs of a workflow at its limit are skipped, so later runs of other workflows
                // are looked for further down the queue, a page at a time.
                // runs pinned to another engine are left out; a one-shot engine takes only its own
                candidates = services.store().runs().dispatchable(RunState.QUEUED.name(), now, fetch, offset,
                        membership.id(), services.options().pinSubmissions());
                offset += candidates.size();
                for (RunRow r : candidates) {
                    if (chosen.size() >= free) {
                        break;
                    }
                    Workflow wf = workflows.find(r.workflow());
                    if (wf == null) {
                        continue;
                    }
                    Integer limit = services.options().workflowLimits().get(wf.name());
                    int running = perWorkflow.getOrDefault(wf.name(), 0);
                    if (limit != null && running >= limit) {
                        continue;
                    }
                    perWorkflow.put(wf.name(), running + 1);
                    RunExecution e = new RunExecution(services, this, wf, r);
                    chosen.put(r.id(), e);
                    active.put(r.id(), e);
                }
            } while (chosen.size() < free && candidates.size() == fetch && offset < 10_000);
            if (!chosen.isEmpty()) {
                List<String> claimed;
                try {
                    claimed = services.states().claim(chosen.keySet(), now, membership.id(),
                            services.options().workflowLimits());
                } catch (RuntimeException e) {
                    chosen.keySet().forEach(active::remove);
                    throw e;
                }
                Set<String> won = new HashSet<>(claimed);
                for (RunExecution e : chosen.values()) {
                    if (won.contains(e.runId)) {
                        e.startRunTimer();
                        workers.execute(e);
                    } else {
                        active.remove(e.runId);
                    }
                }
                if (chosen.size() == free || candidates.size() == fetch) {
                    return 0;
                }
            }
        }
        if (free <= 0) {
            return 1_000;   // a finishing run wakes the dispatcher
        }
        return services.store().runs().nextNotBefore(RunState.QUEUED.name(), now)
                .map(t -> Math.max(1, Math.min(1_000, t - now))).orElse(1_000L);
    }
}
