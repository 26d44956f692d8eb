package dev.sandboxjobs.jobs.results.internal;

import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * automake's {@code make check} output: one {@code PASS: name} / {@code FAIL:} / {@code SKIP:} /
 * {@code XFAIL:} / {@code XPASS:} / {@code ERROR:} line per test (per test point with the TAP
 * driver: {@code PASS: t/a.tap 2 - adds}). XFAIL counts as passed and XPASS as failed, as automake
 * does. The {@code # TOTAL:} block is the printed total the cases are checked against.
 */
public final class AutomakeParser {

    private static final Pattern LINE = Pattern.compile("(?m)^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR): (.+?)\\s*$");
    private static final Pattern TAP_POINT = Pattern.compile("^(\\S+) (\\d+)(?: - (.*))?$");

    /** Whether {@code output} has automake's {@code # TOTAL:} summary. */
    public static boolean looksLikeAutomake(String output) {
        return output.contains("# TOTAL:") && LINE.matcher(output).find();
    }

    public TestSummary parse(String output) {
        List<TestCase> cases = new ArrayList<>();
        Matcher m = LINE.matcher(output);
        while (m.find()) {
            String rest = m.group(2);
            String suite = "";
            String name = rest;
            Matcher tap = TAP_POINT.matcher(rest);
            if (tap.matches()) {
                suite = tap.group(1);
                name = tap.group(3) != null && !tap.group(3).isBlank() ? tap.group(3).strip() : "test " + tap.group(2);
            }
            TestStatus status = switch (m.group(1)) {
                case "PASS", "XFAIL" -> TestStatus.PASSED;
                case "SKIP" -> TestStatus.SKIPPED;
                case "ERROR" -> TestStatus.ERRORED;
                default -> TestStatus.FAILED;
            };
            String message = switch (m.group(1)) {
                case "XPASS" -> "passed unexpectedly (XPASS)";
                case "FAIL" -> "failed (see " + (suite.isEmpty() ? name : suite) + ".log)";
                case "ERROR" -> "hard error";
                default -> "";
            };
            cases.add(new TestCase(suite, name, status, Duration.ZERO, message, ""));
        }
        return TestSummary.of("automake", cases, null,
                cases.isEmpty() ? List.of("no automake test lines found in the output") : List.of());
    }
}
