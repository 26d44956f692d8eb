package dev.sandboxjobs.jobs.detect;

/** How a test command reports its results, so that the test step knows what to parse. */
public enum ResultFormat {
    /** JUnit XML files written to {@link Detection#reportPaths()}. */
    JUNIT_XML,
    /** TAP on standard output (node's test runner). */
    TAP,
    /** {@code go test -json} events on standard output. */
    GO_TEST_JSON,
    /** {@code cargo test}'s libtest text output. */
    CARGO_TEST,
    /** pytest or unittest text output. */
    PYTHON_TEXT,
    /** Unknown: try every parser on the output, else judge by the exit code. */
    AUTO
}
