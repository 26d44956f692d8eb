package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.results.PrintedTotals;
import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line's summary and survey line, from results as the pipeline makes them (no Docker). */
class SummaryTest {

    private static StepReport test(StepStatus status, String command, int exit, String message) {
        return new StepReport("test", status, Duration.ofSeconds(2), command, exit, message, "");
    }

    @Test
    void testsThatPassedWithNothingReadSayCountsUnavailableNotZeroTests() {
        PipelineResult r = PipelineResult.builder().success(true).projectType("make").tool("make").exitCode(0)
                .step(test(StepStatus.SUCCEEDED, "make test", 0,
                        PipelineResult.COUNTS_UNAVAILABLE + "the test command passed, but no results of a known runner"
                                + " were found in its output"))
                .build();

        String summary = PipelineRunner.summary(new PipelineRunner.Outcome("run-1", r));

        assertThat(summary).contains("Result      PASSED, test counts unavailable: the test command passed")
                .contains("counts unavailable").doesNotContain("0 passed").contains("test: make test → exit 0");
        assertThat(SurveyCommand.row("/r", r, Duration.ofSeconds(3))).containsSequence("-", "-", "-");
    }

    @Test
    void theRunnerItsTotalsAndAMismatchAreShown() {
        TestSummary tests = TestSummary.of("unittest", List.of(TestCase.passed("m.T", "test_a", Duration.ZERO)), null,
                List.of()).checkedAgainst(new PrintedTotals("unittest", "Ran 2 tests in 0.001s, OK", 2, 2, 0, 0));
        PipelineResult r = PipelineResult.builder().success(true).projectType("python").tool("pip").exitCode(0)
                .runner("unittest").tests(tests)
                .step(test(StepStatus.SUCCEEDED, "python3 -m unittest discover -v", 0, "1 passed")).build();

        String summary = PipelineRunner.summary(new PipelineRunner.Outcome("run-1", r));

        assertThat(summary).contains("Runner      unittest (printed: Ran 2 tests in 0.001s, OK)")
                .contains("⚠ count mismatch: unittest printed 2 tests");
        assertThat(SurveyCommand.row("/r", r, Duration.ofSeconds(3))[8]).endsWith("count mismatch");
    }
}
