/**
 * The built-in testing pipeline: {@link dev.sandboxjobs.jobs.pipeline.CloneStep},
 * {@link dev.sandboxjobs.jobs.pipeline.InstallStep}, {@link dev.sandboxjobs.jobs.pipeline.TestStep},
 * {@link dev.sandboxjobs.jobs.pipeline.ReportStep}, run in order by
 * {@link dev.sandboxjobs.jobs.pipeline.TestingPipeline}.
 *
 * <p>The seam: every sandbox-facing call goes through
 * {@link dev.sandboxjobs.jobs.pipeline.PipelineSandbox} (exec an argv with cwd, env,
 * secret env and a timeout; read a file; write a file; list a directory; copy a host
 * directory in). An adapter over the engine's {@code Sandbox} implements it; each step
 * becomes an engine workflow step whose output is its {@code Outcome} record (plain
 * records, serialisable with Jackson), so that a resumed run starts after the last
 * completed step.
 *
 * <p>{@link dev.sandboxjobs.jobs.pipeline.PipelineSteps} gives the {@code clone} and
 * {@code report} steps as engine steps for workflows of your own, with your steps between them.
 */
package dev.sandboxjobs.jobs.pipeline;
