package dev.sandboxjobs.jobs.detect;

import java.util.List;
import java.util.Objects;

/**
 * One way to run a project's tests. The test step runs the first candidate whose
 * {@code probe} succeeds (a candidate without a probe always qualifies), e.g. pytest when
 * {@code python3 -c "import pytest"} works, else {@code python3 -m unittest}.
 *
 * @param probe       a cheap command whose success means this candidate can run, or {@code null}
 * @param command     the test command
 * @param format      what the command's results look like
 * @param reportPaths glob patterns (relative to the project directory, or absolute) of the
 *                    JUnit XML files the command writes; empty when it writes none
 */
public record TestCandidate(Command probe, Command command, ResultFormat format, List<String> reportPaths) {

    public TestCandidate {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(format, "format");
        reportPaths = List.copyOf(reportPaths);
    }

    /** A candidate with no probe. */
    public static TestCandidate of(Command command, ResultFormat format, String... reportPaths) {
        return new TestCandidate(null, command, format, List.of(reportPaths));
    }
}
