/**
 * Test-result parsing: JUnit XML, TAP, {@code go test -json}, {@code cargo test} and
 * pytest/unittest output into a {@link dev.sandboxjobs.jobs.results.TestSummary}, through
 * {@link dev.sandboxjobs.jobs.results.TestResults}.
 */
package dev.sandboxjobs.jobs.results;
