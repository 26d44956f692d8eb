package dev.sandboxjobs.engine.workflow;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a run is retried after an infrastructure fault (a step throwing
 * {@link InfrastructureFault}, an {@link java.io.IOException}, the sandbox failing to start or
 * vanishing), with exponential backoff and jitter. A step that returns
 * {@link StepResult#failure} is not retried unless {@link #retryFailedResults()} is set; a step
 * that throws anything else fails the run.
 *
 * <pre>{@code
 * RetryPolicy.attempts(5).withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1))
 * }</pre>
 *
 * @param maxAttempts        attempts in total, at least 1 (1 means no retry)
 * @param initialBackoff     delay before the second attempt
 * @param maxBackoff         cap of the delay
 * @param multiplier         growth of the delay per attempt
 * @param jitter             0..1: the delay is drawn from {@code [d·(1−jitter), d]}
 * @param retryFailedResults whether a failed result is retried like a fault
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                          double jitter, boolean retryFailedResults) {
    /** No retry at all. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0,
            0.5, false);
    /** Three attempts, 1 s doubling up to 1 min, half jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0,
            0.5, false);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1.0, was " + multiplier);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within 0..1, was " + jitter);
        }
    }

    public static RetryPolicy attempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, DEFAULT.initialBackoff, DEFAULT.maxBackoff, DEFAULT.multiplier,
                DEFAULT.jitter, false);
    }

    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter, retryFailedResults);
    }

    public RetryPolicy withMultiplier(double m) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, m, jitter, retryFailedResults);
    }

    public RetryPolicy withJitter(double j) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, j, retryFailedResults);
    }

    public RetryPolicy retryingFailedResults() {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, true);
    }

    /**
     * The delay before attempt {@code nextAttempt} (2 for the first retry), before jitter:
     * {@code initial · multiplier^(nextAttempt−2)}, capped at {@code maxBackoff}.
     */
    public Duration baseDelay(int nextAttempt) {
        double ms = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
        return Duration.ofMillis((long) Math.min(ms, maxBackoff.toMillis()));
    }
}
