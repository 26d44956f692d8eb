package dev.sandboxjobs.jobs.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The totals a test runner printed itself ({@code Ran 901 tests}, {@code 3 passing},
 * {@code Tests run: 5, Failures: 1}, {@code # TOTAL: 4}…), against which the parsed counts are
 * checked. A count the runner did not print is {@code -1}.
 *
 * <pre>{@code
 * PrintedTotals printed = new PrintedTotals("unittest", "Ran 901 tests", 901, -1, 2, 5);
 * List<String> problems = printed.mismatches(summary);   // empty when the counts agree
 * }</pre>
 *
 * @param runner  which runner's summary line was read ({@code "unittest"}, {@code "mocha"}, …)
 * @param line    the line(s) as printed, for the report
 * @param total   all tests, or -1
 * @param passed  passed tests, or -1
 * @param failed  failed and errored tests together, or -1
 * @param skipped skipped tests (pending, todo, ignored), or -1
 */
public record PrintedTotals(String runner, String line, int total, int passed, int failed, int skipped) {

    public PrintedTotals {
        Objects.requireNonNull(runner, "runner");
        line = line == null ? "" : Bounded.cap(line, 1024);
        if (total < 0 && passed >= 0 && failed >= 0 && skipped >= 0) {
            total = passed + failed + skipped;
        }
    }

    /**
     * How {@code parsed} disagrees with these totals, one sentence per count; empty when it agrees
     * on every count the runner printed.
     */
    public List<String> mismatches(TestSummary parsed) {
        List<String> problems = new ArrayList<>();
        check(problems, "tests", total, parsed.total());
        check(problems, "passed", passed, parsed.passed());
        check(problems, "failed", failed, parsed.failed() + parsed.errored());
        check(problems, "skipped", skipped, parsed.skipped());
        return problems;
    }

    private void check(List<String> problems, String what, int printed, int counted) {
        if (printed >= 0 && printed != counted) {
            problems.add(runner + " printed " + printed + " " + what + " (\"" + line.strip().lines().findFirst().orElse("")
                    + "\"), the parsed results have " + counted);
        }
    }
}
