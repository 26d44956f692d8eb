package dev.sandboxjobs.engine.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How many runs the database holds in each state, and how many were created per time bucket,
 * from {@link JobsClient#statistics(Instant, Duration)}. Counted by the database, so it stays quick
 * with many runs.
 *
 * @param byState runs in each state (every state present, zero when none)
 * @param since the start of the first bucket
 * @param bucket the width of each bucket
 * @param created one entry per bucket from {@code since} to now, oldest first, empty buckets included
 */
public record RunStatistics(Map<RunState, Long> byState, Instant since, Duration bucket, List<Bucket> created) {
    public RunStatistics {
        byState = Map.copyOf(withEveryState(byState));
        created = List.copyOf(created);
    }

    /** All runs in the database. */
    public long total() {
        return byState.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Runs created in {@code [start, start + bucket)}, by their state now.
     *
     * @param start the bucket's start
     * @param byState counts by state (every state present)
     */
    public record Bucket(Instant start, Map<RunState, Long> byState) {
        public Bucket {
            byState = Map.copyOf(withEveryState(byState));
        }

        public long total() {
            return byState.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Map<RunState, Long> withEveryState(Map<RunState, Long> counts) {
        Map<RunState, Long> all = new EnumMap<>(RunState.class);
        for (RunState state : RunState.values()) {
            all.put(state, counts.getOrDefault(state, 0L));
        }
        return all;
    }
}
