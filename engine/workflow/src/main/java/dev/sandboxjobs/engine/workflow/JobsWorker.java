package dev.sandboxjobs.engine.workflow;

import java.time.Duration;

/**
 * The job engine that runs the work: durable workflows of steps, each run in its own sandbox that
 * is always destroyed, persisted in the database so that a crash loses nothing. It is a
 * {@link JobsClient} too. One worker at a time runs jobs on a SQLite database (it holds an
 * operating-system lock on it); other processes use {@link JobsClient}s.
 *
 * <pre>{@code
 * try (SandboxEngine sandboxes = SandboxEngine.create();
 *      JobEngine jobs = JobEngine.over(sandboxes)) {
 *     JobsWorker worker = jobs.worker();
 *     worker.register(Workflow.named("hello")
 *             .step(Step.of("greet", ctx -> StepResult.success("hello " + ctx.parameter("name", String.class).orElse("you"))))
 *             .build());
 *     worker.start();
 *     Run run = worker.submit(RunRequest.of("hello").parameters(Map.of("name", "Ada")).build());
 *     Run done = worker.await(run.id(), Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public interface JobsWorker extends JobsClient {
    /**
     * Recovers runs left in flight by a previous process, then starts dispatching runs and firing
     * schedules. Safe to call twice. Submitting before start is allowed: runs wait in the queue.
     * Register the workflows first.
     */
    void start();

    /** Deletes finished runs older than the configured retention now; returns how many. */
    int sweepRetention();

    /**
     * Shuts down gracefully: stops starting runs and firing schedules at once, waits up to
     * {@code grace} for the runs in flight to finish, then {@link #close() closes}. Runs still
     * running then stay recorded as running and are resumed by the next engine on the database;
     * queued runs and schedules wait for it. Returns whether every run in flight finished in time.
     *
     * <pre>{@code
     * Runtime.getRuntime().addShutdownHook(new Thread(() -> worker.shutdown(Duration.ofSeconds(30))));
     * }</pre>
     */
    boolean shutdown(Duration grace) throws InterruptedException;

    /** Stops dispatching and scheduling; running steps are interrupted. Safe to call twice. */
    @Override
    void close();
}
