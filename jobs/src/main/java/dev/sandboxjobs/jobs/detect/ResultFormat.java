package dev.sandboxjobs.jobs.detect;

/** How a test command reports its results, so that the test step knows what to parse. */
public enum ResultFormat {
    /** Report files (JUnit XML, or jest's JSON report) written where {@link TestCandidate#reportPaths()} says. */
    JUNIT_XML,
    /** TAP on standard output (node's test runner). */
    TAP,
    /** {@code go test -json} events on standard output. */
    GO_TEST_JSON,
    /** {@code cargo test}'s libtest text output. */
    CARGO_TEST,
    /** pytest or unittest text output. */
    PYTHON_TEXT,
    /**
     * The default console output of a JavaScript runner without machine-readable output on by
     * default (mocha's spec reporter, jest, vitest, ava, jasmine, uvu): counts from the runner's printed
     * totals, failures from its failure listing.
     */
    RUNNER_TEXT,
    /** automake's {@code make check} output: {@code PASS: name}, {@code FAIL: name}… and its {@code # TOTAL:} block. */
    AUTOMAKE,
    /** Unknown: try every parser on the output, else judge by the exit code. */
    AUTO
}
