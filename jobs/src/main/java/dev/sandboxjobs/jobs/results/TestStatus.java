package dev.sandboxjobs.jobs.results;

/** The outcome of one test case. */
public enum TestStatus {
    PASSED,
    /** An assertion failed. */
    FAILED,
    SKIPPED,
    /** The test could not run to an assertion: an exception, a build error, a crash. */
    ERRORED
}
