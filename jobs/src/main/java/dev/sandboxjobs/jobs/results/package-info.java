/**
 * Test-result parsing: JUnit XML, jest's JSON report, TAP, {@code go test -json}, {@code cargo test},
 * pytest/unittest output, the default output of mocha, jest, vitest, ava, jasmine and uvu, and
 * automake's {@code make check}, into a {@link dev.sandboxjobs.jobs.results.TestSummary} through
 * {@link dev.sandboxjobs.jobs.results.TestResults}; the totals a runner printed itself
 * ({@link dev.sandboxjobs.jobs.results.PrintedTotals}) to check the counts against.
 *
 * <pre>{@code
 * TestSummary s = TestResults.parseOutput(output, ResultFormat.AUTO, "jest")
 *         .checkedAgainst(TestResults.printedTotals(output, "jest"));
 * System.out.println(s.passed() + " passed, " + s.failed() + " failed");
 * s.failures().forEach(c -> System.out.println(c.suite() + " > " + c.name() + ": " + c.message()));
 * }</pre>
 */
package dev.sandboxjobs.jobs.results;
