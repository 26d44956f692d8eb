package dev.sandboxjobs.spring;

import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the application's {@code Workflow} beans, starts the worker with the context and shuts
 * it down gracefully when the context closes. Its phase puts it before the web server on start
 * and after it on stop: no request meets a worker that is not there.
 */
public final class SandboxJobsLifecycle implements SmartLifecycle {
    /** Below the web server's phases ({@code DEFAULT_PHASE - 1024} and {@code - 2048}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger log = LoggerFactory.getLogger(SandboxJobsLifecycle.class);

    private final JobsClient jobs;
    private final List<Workflow> workflows;
    private final Duration grace;
    private volatile boolean running;

    public SandboxJobsLifecycle(JobsClient jobs, List<Workflow> workflows, Duration grace) {
        this.jobs = jobs;
        this.workflows = List.copyOf(workflows);
        this.grace = grace;
    }

    @Override
    public void start() {
        workflows.forEach(jobs::register);
        if (jobs instanceof JobsWorker worker) {
            worker.start();
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (jobs instanceof JobsWorker worker) {
            try {
                if (!worker.shutdown(grace)) {
                    log.warn("Runs still in flight after {}; the next worker on the database resumes them", grace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker.close();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
