package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The "at most N at once" of {@link BatchTesting}, from start and end times alone. */
class BatchTestingPeakTest {
    private static Run run(int start, int end) {
        return new Run("run-" + start + "-" + end, "w", RunState.SUCCEEDED, 0, null, Map.of(), null, null, 1, 1, null,
                Instant.EPOCH, Instant.ofEpochSecond(start), Instant.ofEpochSecond(end), null, null, null, null, List.of());
    }

    @Test
    void overlappingRunsCountAndARunStartingWhenAnotherEndsDoesNot() {
        assertThat(BatchTesting.peakConcurrency(List.of(run(0, 10), run(10, 20), run(20, 30)))).isEqualTo(1);
        assertThat(BatchTesting.peakConcurrency(List.of(run(0, 10), run(5, 15), run(10, 20), run(12, 13)))).isEqualTo(3);
        assertThat(BatchTesting.peakConcurrency(List.of())).isZero();
    }
}
