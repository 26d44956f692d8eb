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
 * @param maxConcurrentRuns    runs (hence sandboxes in use) this engine executes at once across all workflows;
 *                             the sandboxes of ended runs are removed in the background, at most as many
 *                             again (beyond that, the next run waits for a removal)
 * @param workflowLimits       per-workflow caps on concurrent runs, held across every engine on the
 *                             database (absent: only the engine's own cap)
 * @param retention            finished runs older than this are deleted with their logs and
 *                             artifacts; null keeps them forever
 * @param retentionInterval    how often the retention sweep runs
 * @param reapInterval         how often sandboxes of finished runs are looked for and destroyed, and runs left
 *                             running after recording their end failed (a full disk) are queued again
 * @param quartzThreads        threads firing schedules and timed runs
 * @param takeoverAfter        the engine's lease: several engines may share one database (a SQLite
 *                             file or PostgreSQL), and when one stops renewing its lease (killed,
 *                             frozen, its machine gone) for this long, another takes over its runs.
 *                             An engine on the same machine whose process is gone is taken over at
 *                             once. Default 5 s (takeover within about 6 s).
 * @param pinSubmissions       a one-shot engine: runs submitted by it are started only by it while it
 *                             lives, and it starts no other runs (for tools such as
 *                             {@code sandbox-jobs test}: its run is not picked up by a worker sharing
 *                             the database, and it does not pick up theirs)
 */
public record JobsOptions(int maxConcurrentRuns, Map<String, Integer> workflowLimits, Duration retention,
                          Duration retentionInterval, Duration reapInterval, int quartzThreads,
                          Duration takeoverAfter, boolean pinSubmissions) {
    public JobsOptions(int maxConcurrentRuns, Map<String, Integer> workflowLimits, Duration retention,
                       Duration retentionInterval, Duration reapInterval, int quartzThreads) {
        this(maxConcurrentRuns, workflowLimits, retention, retentionInterval, reapInterval, quartzThreads, null, false);
    }

    public JobsOptions {
        takeoverAfter = takeoverAfter == null ? Duration.ofSeconds(5) : takeoverAfter;
        if (takeoverAfter.toMillis() < 1_000) {
            throw new IllegalArgumentException("takeoverAfter must be at least 1 s, was " + takeoverAfter);
        }
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
        return new JobsOptions(n, workflowLimits, retention, retentionInterval, reapInterval, quartzThreads, takeoverAfter, pinSubmissions);
    }

    public JobsOptions withWorkflowLimits(Map<String, Integer> limits) {
        return new JobsOptions(maxConcurrentRuns, limits, retention, retentionInterval, reapInterval, quartzThreads, takeoverAfter, pinSubmissions);
    }

    public JobsOptions withRetention(Duration age) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, age, retentionInterval, reapInterval, quartzThreads, takeoverAfter, pinSubmissions);
    }

    public JobsOptions withReapInterval(Duration d) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, retentionInterval, d, quartzThreads, takeoverAfter, pinSubmissions);
    }

    public JobsOptions withRetentionInterval(Duration d) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, d, reapInterval, quartzThreads, takeoverAfter, pinSubmissions);
    }

    public JobsOptions withQuartzThreads(int n) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, retentionInterval, reapInterval, n, takeoverAfter, pinSubmissions);
    }

    /** How long an engine may go without renewing its lease before another takes over its runs. */
    public JobsOptions withTakeoverAfter(Duration d) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, retentionInterval, reapInterval,
                quartzThreads, d, pinSubmissions);
    }

    /** Runs submitted by this engine are started only by it (while it lives). */
    public JobsOptions withPinnedSubmissions(boolean pin) {
        return new JobsOptions(maxConcurrentRuns, workflowLimits, retention, retentionInterval, reapInterval,
                quartzThreads, takeoverAfter, pin);
    }
}
