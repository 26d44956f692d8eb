/**
 * The built-in testing pipeline: {@link dev.sandboxjobs.jobs.pipeline.CloneStep},
 * {@link dev.sandboxjobs.jobs.pipeline.InstallStep}, {@link dev.sandboxjobs.jobs.pipeline.TestStep},
 * {@link dev.sandboxjobs.jobs.pipeline.ReportStep}, assembled once (the package-private
 * {@code PipelineStages}) and run either in one go by
 * {@link dev.sandboxjobs.jobs.pipeline.TestingPipeline} or as a durable job by
 * {@link dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow}. Both take the same
 * {@link dev.sandboxjobs.jobs.pipeline.PipelineRequest}; the workflow stores it as its JSON parameters.
 *
 * <pre>{@code
 * PipelineRequest request = PipelineRequest.builder("https://git.example.com/app.git").ref("main").build();
 * PipelineResult now = TestingPipeline.builder(request).artifacts(ArtifactSink.directory(out)).build().run(engine);
 * Run later = jobs.submit(TestingPipelineWorkflow.request(request).build());
 * }</pre>
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
