/**
 * The job engine (artifact {@code sandbox-jobs-workflow}): durable workflows of named steps, each
 * run in its own sandbox that is always destroyed, on Quartz and the embedded database, so that a
 * crash loses nothing. {@link dev.sandboxjobs.engine.workflow.JobEngine} is the front: it hands out
 * the {@link dev.sandboxjobs.engine.workflow.JobsWorker} that runs the work and
 * {@link dev.sandboxjobs.engine.workflow.JobsClient}s that submit and read. Sandboxes come through
 * the {@link dev.sandboxjobs.engine.workflow.SandboxProvider} seam (over the SDK's public API by
 * default); errors are {@link dev.sandboxjobs.engine.workflow.JobException}s with a
 * {@link dev.sandboxjobs.engine.workflow.JobErrorCode}.
 *
 * <pre>{@code
 * try (SandboxEngine sandboxes = SandboxEngine.create();
 *      JobEngine jobs = JobEngine.over(sandboxes)) {
 *     JobsWorker worker = jobs.worker();
 *     worker.register(Workflow.named("build")
 *             .sandbox(SandboxSpec.defaults())
 *             .step(Step.of("make", ctx -> StepResult.success(ctx.sandbox(Sandbox.class).exec("make").exitCode())))
 *             .build());
 *     worker.start();
 *     Run done = worker.await(worker.submit(RunRequest.of("build").build()).id(), Duration.ofMinutes(10));
 * }
 * }</pre>
 */
package dev.sandboxjobs.engine.workflow;
