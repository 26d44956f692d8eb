package dev.sandboxjobs.engine.workflow;

import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the job engine, given to {@code SandboxEngine.Builder.jobsOptions}.
 *
 * <pre>{@code
 * SandboxEngine.builder().jobsOptions(JobsOptions.defaults()
 *         .withMaxConcurrentRuns(4)                       // live sandboxes at once
 *         .withWorkflowLimits(Map.of("build", 2))
 *         .withRetention(Duration.ofDays(7)));
 * }</pre>
 *
 * @param maxConcurrentRuns    runs (hence live sandboxes) at once across all workflows
 * @param workflowLimits       per-workflow caps on concurrent runs (absent: only the global cap)
 * @param retention            finished runs older than this are deleted with their logs and
 *                             artifacts; null keeps them forever
 * @param retentionInterval    how often the retention sweep runs
 * @param reapInterval         how often sandboxes of finished runs are looked for and destroyed, and runs left
 *                             running after recording their end failed (a full disk) are queued again
 * @param quartzThreads        threads firing schedules and timed runs
 */
public record JobsOptions(int maxConcurrentRuns, Map<String, Integer> workflowLimits, Duration retention,
                          Duration retentionInterval, Duration reapInterval, int quartzThreads) {
    public JobsOptions {
        if (maxConcurrentRuns < 1) {
            throw new IllegalArgumentException("maxConcurrentRuns must be at least 1, was " + maxConcurrentRuns);
        }
        workflowLimits = workflowLimits == null ? Map.of() : Map.copyOf(workflowLimits);
        workflowLimits.forEach((w, l) -> {
            if (l < 1) {
                throw new IllegalArgumentException("The limit of workflow " + w + " must be at least 1, was " + l);
            }
        });
        retentionInterval = retentionInterval == null ? Duration.ofHours(1) : retentionInterval;
        reapInterval = reapInterval == null ? Duration.ofMinutes(1) : reapInterval;
        quartzThreads = quartzThreads < 1 ? 2 : quartzThreads;
    }

    public static JobsOptions defaults() {
        return new JobsOptions(8, Map.of(), Duration.ofDays(30), Duration.ofHours(1), Duration.ofMinutes(1), 2);
    }

    public JobsOptions withMaxConcurrentRuns(int n) {
        return new JobsOptions(n, workflowLimits, retention, retentionInterval, reapInterval, quartzThreads);
    }

    public JobsOptions withWorkflowLimits(Map<String, Integer> limits) {
        return new JobsOptions(maxConcurrentRuns, limits, retention, retentionInterval, reapInterval, quartzThreads);
    }

    public JobsOptions withRetention(Duration age) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, age, retentionInterval, reapInterval, quartzThreads);
    }

    public JobsOptions withReapInterval(Duration d) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, retentionInterval, d, quartzThreads);
    }

    public JobsOptions withRetentionInterval(Duration d) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, d, reapInterval, quartzThreads);
    }

    public JobsOptions withQuartzThreads(int n) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, retentionInterval, reapInterval, n);
    }
}
