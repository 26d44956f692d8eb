package dev.sandboxjobs.jobs;

import dev.sandboxjobs.engine.workflow.Jobs;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import java.util.Objects;

/**
 * Registers the workflows that come with Sandbox Jobs, so that a program (the CLI, a worker)
 * can submit them by name. Register before {@link Jobs#start()}, in every process that runs jobs
 * on the database, so that runs persisted earlier find their code again.
 *
 * <pre>{@code
 * Jobs jobs = sandboxEngine.jobs();
 * BuiltInWorkflows.registerAll(jobs);
 * jobs.start();
 * Run run = jobs.submit(TestingPipelineWorkflow.request(
 *         TestingPipelineParameters.builder("https://git.example.com/app.git").build()).build());
 * }</pre>
 *
 * <p>The workflows: {@value TestingPipelineWorkflow#NAME} ({@link TestingPipelineWorkflow}).
 */
public final class BuiltInWorkflows {
    private BuiltInWorkflows() {}

    /**
     * Registers every built-in workflow with default images ({@code sandbox-jobs/runtime:<version>}
     * and {@code sandbox-jobs/runtime-full:<version>}, made by {@code ./sandbox-jobs setup [--full]}).
     */
    public static void registerAll(Jobs jobs) {
        registerAll(jobs, TestingPipelineWorkflow.Images.defaults());
    }

    /** Registers every built-in workflow; the testing pipeline runs in {@code images}. */
    public static void registerAll(Jobs jobs, TestingPipelineWorkflow.Images images) {
        Objects.requireNonNull(jobs, "jobs");
        jobs.register(TestingPipelineWorkflow.create(images));
    }
}
