/**
 * The workflows that ship with Sandbox Jobs ({@link dev.sandboxjobs.jobs.BuiltInWorkflows}: the
 * testing pipeline and {@code exec}), built on the job engine; the pipeline's parts are in the
 * subpackages (detection, results, reports, caches).
 *
 * <pre>{@code
 * JobsWorker worker = JobEngine.over(sandboxEngine).worker();
 * BuiltInWorkflows.registerAll(worker);
 * worker.start();
 * worker.submit(RunRequest.of("exec").parameters(Map.of("command", "uname -a")).build());
 * }</pre>
 */
package dev.sandboxjobs.jobs;
