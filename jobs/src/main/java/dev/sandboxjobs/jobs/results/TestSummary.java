package dev.sandboxjobs.jobs.results;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A test run turned into data: counts, duration and the cases (with their failures).
 * Counts always cover every case seen; {@link #cases()} keeps at most {@link #MAX_CASES}
 * (failures first when some had to be dropped), and {@link #casesTruncated()} says so.
 *
 * <pre>{@code
 * TestSummary s = TestResults.parseOutput(stdout, ResultFormat.TAP);
 * System.out.println(s.passed() + " passed, " + s.failed() + " failed");
 * s.failures().forEach(f -> System.out.println(f.fullName() + ": " + f.message()));
 * }</pre>
 *
 * @param format         which parser(s) produced it ({@code "junit-xml"}, {@code "tap"},
 *                       {@code "go-test-json"}, {@code "cargo-test"}, {@code "pytest"},
 *                       {@code "unittest"}, {@code "none"}); merged summaries join them with '+'
 * @param passed         passed cases
 * @param failed         failed cases
 * @param skipped        skipped cases (and TAP TODOs)
 * @param errored        errored cases
 * @param duration       the run's duration as reported by the tool
 * @param cases          the cases kept
 * @param casesTruncated whether some cases were dropped to respect {@link #MAX_CASES}
 * @param warnings       what the parser could not read (malformed input, caps hit)
 * @param printed        the totals the runner printed itself, against which the counts were checked;
 *                       {@code null} when it printed none that could be read
 */
public record TestSummary(String format, int passed, int failed, int skipped, int errored, Duration duration,
        List<TestCase> cases, boolean casesTruncated, List<String> warnings, PrintedTotals printed) {

    /** Most cases kept in a summary. */
    public static final int MAX_CASES = 5_000;
    private static final int MAX_WARNINGS = 20;

    public TestSummary {
        Objects.requireNonNull(format, "format");
        duration = duration == null || duration.isNegative() ? Duration.ZERO : duration;
        cases = List.copyOf(cases);
        warnings = List.copyOf(warnings.size() > MAX_WARNINGS ? warnings.subList(0, MAX_WARNINGS) : warnings);
    }

    /** A summary without printed totals. */
    public TestSummary(String format, int passed, int failed, int skipped, int errored, Duration duration,
            List<TestCase> cases, boolean casesTruncated, List<String> warnings) {
        this(format, passed, failed, skipped, errored, duration, cases, casesTruncated, warnings, null);
    }

    /**
     * This summary checked against the totals the runner printed: {@code printed} is kept and every
     * disagreement becomes a warning ({@link #countMismatches()}); the counts themselves are not changed.
     */
    public TestSummary checkedAgainst(PrintedTotals totals) {
        if (totals == null) {
            return this;
        }
        List<String> all = new ArrayList<>(warnings);
        for (String m : totals.mismatches(this)) {
            all.add("count mismatch: " + m);
        }
        return new TestSummary(format, passed, failed, skipped, errored, duration, cases, casesTruncated, all, totals);
    }

    /** Where the counts disagree with the runner's printed totals; empty when they agree or none were printed. */
    public List<String> countMismatches() {
        return printed == null ? List.of() : printed.mismatches(this);
    }

    /** Whether any result was parsed at all: false means the counts are unavailable, not zero. */
    public boolean hasResults() {
        return total() > 0;
    }

    /** A summary with no tests at all (nothing parsed). */
    public static TestSummary empty(String format) {
        return new TestSummary(format, 0, 0, 0, 0, Duration.ZERO, List.of(), false, List.of());
    }

    /** Builds a summary from cases, counting them and capping the list. */
    public static TestSummary of(String format, List<TestCase> all, Duration duration, List<String> warnings) {
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        int errored = 0;
        Duration sum = Duration.ZERO;
        for (TestCase c : all) {
            switch (c.status()) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
                case ERRORED -> errored++;
            }
            sum = sum.plus(c.duration());
        }
        List<TestCase> kept = all;
        boolean truncated = false;
        if (all.size() > MAX_CASES) {
            truncated = true;
            List<TestCase> ordered = new ArrayList<>(all.stream().filter(TestCase::isFailure).toList());
            all.stream().filter(c -> !c.isFailure()).forEach(ordered::add);
            kept = ordered.subList(0, MAX_CASES);
        }
        return new TestSummary(format, passed, failed, skipped, errored, duration != null ? duration : sum,
                kept, truncated, warnings);
    }

    /** All cases counted. */
    public int total() {
        return passed + failed + skipped + errored;
    }

    /** Whether no case failed or errored. Note: an empty run also has no failures. */
    public boolean allPassed() {
        return failed == 0 && errored == 0;
    }

    /** The failed and errored cases kept. */
    public List<TestCase> failures() {
        return cases.stream().filter(TestCase::isFailure).toList();
    }

    /** This summary and {@code other} as one (counts added, cases concatenated and capped). */
    public TestSummary merge(TestSummary other) {
        if (other.total() == 0 && other.warnings().isEmpty()) {
            return this;
        }
        if (total() == 0 && warnings.isEmpty()) {
            return other;
        }
        List<TestCase> all = new ArrayList<>(cases);
        all.addAll(other.cases);
        TestSummary counted = of(format.equals(other.format) ? format : format + "+" + other.format, all,
                duration.plus(other.duration), concat(warnings, other.warnings));
        return new TestSummary(counted.format(), passed + other.passed, failed + other.failed,
                skipped + other.skipped, errored + other.errored, counted.duration(), counted.cases(),
                counted.casesTruncated() || casesTruncated || other.casesTruncated, counted.warnings(),
                printed != null ? printed : other.printed);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
