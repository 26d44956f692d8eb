/**
 * A small web service on the Spring Boot starter ({@link dev.sandboxjobs.examples.spring.PipelineServiceApplication}):
 * {@code POST /runs} submits the testing pipeline as a durable job, {@code GET /runs/{id}} reads its status and
 * result ({@code RunsController}). The starter supplies the engine and the worker;
 * the application only registers its workflow as a bean.
 *
 * <pre>{@code
 * // what RunsController does with the JobsClient the starter injects
 * Run run = jobs.submit(TestingPipelineWorkflow.request(PipelineRequest.builder(url).build())
 *         .label("source", "web").build());
 * Optional<PipelineResult> result = TestingPipelineWorkflow.result(jobs.get(run.id()));
 * }</pre>
 *
 * <p>How to build and run it: {@code docs/embedding.md}.
 */
package dev.sandboxjobs.examples.spring;
