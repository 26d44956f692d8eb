package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.storage.run.RunRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts runs by state and by creation bucket, in the database ({@code JobsClient.statistics}). */
final class RunStatisticsQuery {
    static final int MAX_BUCKETS = 1000;

    private RunStatisticsQuery() {}

    static RunStatistics run(RunRepository runs, Clock clock, Instant since, Duration bucket) {
        if (since == null || bucket == null || bucket.isNegative() || bucket.isZero()) {
            throw new JobException(JobErrorCode.INVALID_ARGUMENT, "statistics needs a start time and a positive bucket width.");
        }
        long from = since.toEpochMilli();
        long width = bucket.toMillis();
        long buckets = Math.max(1, (clock.millis() - from + width - 1) / width);
        if (buckets > MAX_BUCKETS) {
            throw new JobException(JobErrorCode.INVALID_ARGUMENT, "statistics would make " + buckets + " buckets; at most "
                    + MAX_BUCKETS + ". Choose a later start or wider buckets.");
        }
        Map<RunState, Long> byState = new EnumMap<>(RunState.class);
        runs.countByState().forEach((state, n) -> byState.put(RunState.valueOf(state), n));
        List<Map<RunState, Long>> cells = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            cells.add(new EnumMap<>(RunState.class));
        }
        for (RunRepository.HistogramCell c : runs.createdHistogram(from, width)) {
            int i = (int) ((c.start() - from) / width);
            if (i >= 0 && i < cells.size()) {
                cells.get(i).put(RunState.valueOf(c.state()), c.count());
            }
        }
        List<RunStatistics.Bucket> created = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            created.add(new RunStatistics.Bucket(Instant.ofEpochMilli(from + i * width), cells.get(i)));
        }
        return new RunStatistics(byState, since, bucket, created);
    }
}
