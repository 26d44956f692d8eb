package dev.sandboxjobs.jobs.detect;

import java.util.List;
import java.util.Objects;

/**
 * One way to run a project's tests. The test step runs the first candidate whose
 * {@code probe} succeeds (a candidate without a probe always qualifies), e.g. pytest when
 * pytest is installed, else {@code python3 -m unittest}.
 *
 * @param probe       a cheap command whose success means this candidate can run, or {@code null}
 * @param command     the test command
 * @param format      what the command's results look like
 * @param reportPaths glob patterns (relative to the project directory, or absolute) of the
 *                    report files (JUnit XML, jest's JSON) the command writes; empty when it writes none
 * @param runner      the test runner expected ({@code "mocha"}, {@code "pytest"}, {@code "surefire"}…),
 *                    {@code ""} when unknown; the runner whose printed totals the counts are checked against
 * @param plain       the same command without the report flags the pipeline added, run instead when the
 *                    runner refuses them (an older version); {@code null} when no flag was added
 */
public record TestCandidate(Command probe, Command command, ResultFormat format, List<String> reportPaths, String runner,
        Command plain) {

    public TestCandidate {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(format, "format");
        reportPaths = List.copyOf(reportPaths);
        runner = runner == null ? "" : runner;
    }

    /** A candidate with no runner named and no plain variant. */
    public TestCandidate(Command probe, Command command, ResultFormat format, List<String> reportPaths) {
        this(probe, command, format, reportPaths, "", null);
    }

    /** A candidate with no probe. */
    public static TestCandidate of(Command command, ResultFormat format, String... reportPaths) {
        return new TestCandidate(null, command, format, List.of(reportPaths));
    }

    /** This candidate with {@code runner} named. */
    public TestCandidate runBy(String runner) {
        return new TestCandidate(probe, command, format, reportPaths, runner, plain);
    }
}
