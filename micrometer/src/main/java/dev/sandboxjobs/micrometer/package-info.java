/**
 * Micrometer meters for a job engine and its sandboxes: bind
 * {@link dev.sandboxjobs.micrometer.SandboxJobsMetrics} to your {@code MeterRegistry}.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();          // or Prometheus, OTLP...
 * try (SandboxJobsMetrics metrics = SandboxJobsMetrics.of(worker, sandboxEngine)) {
 *     metrics.bindTo(registry);
 *     ...
 * }
 * }</pre>
 *
 * <p>Micrometer is not a dependency of the engine: only this module needs it, and it expects the
 * application to bring it. The meters are listed in {@code docs/embedding.md}.
 */
package dev.sandboxjobs.micrometer;
