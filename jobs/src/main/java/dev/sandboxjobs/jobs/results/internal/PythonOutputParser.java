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
 * The fallback for Python test output when there is no JUnit XML: pytest's summary line
 * ({@code === 1 failed, 2 passed in 0.1s ===}) and short summary ({@code FAILED id - msg}),
 * or unittest's verbose output ({@code test_x (mod.Class.test_x) ... FAIL},
 * {@code Ran 3 tests in 0.001s}, {@code FAILED (failures=1)}), with nose2's test functions
 * ({@code pkg.test_mod.test_x ... ok}, {@code pkg.test_mod.test_y:1} for a parameter set,
 * {@code FAIL: pkg.test_mod.test_x}).
 */
public final class PythonOutputParser {

    private static final Pattern PYTEST_SUMMARY = Pattern.compile(
            "^=+ (.*?\\b(?:passed|failed|skipped|error|errors|xfailed|xpassed|deselected|no tests ran)\\b.*?) in ([0-9.]+)s.*=+$");
    private static final Pattern PYTEST_COUNT = Pattern.compile("(\\d+) (passed|failed|skipped|errors?|xfailed|xpassed)");
    private static final Pattern PYTEST_SHORT = Pattern.compile("^(FAILED|ERROR) (\\S+?)(?: - (.*))?$");
    private static final String RESULT = "(ok|FAIL|ERROR|skipped(?: (.*))?|expected failure|unexpected success)";
    private static final Pattern UNITTEST_HEAD = Pattern.compile("^(\\w+) \\(([\\w.]+?)\\)(.*)$");
    private static final Pattern RESULT_TAIL = Pattern.compile("^.*? \\.\\.\\. " + RESULT + "$");
    private static final Pattern RESULT_ALONE = Pattern.compile("^" + RESULT + "$");
    private static final Pattern UNITTEST_RAN = Pattern.compile("^Ran (\\d+) tests? in ([0-9.]+)s$");
    private static final Pattern UNITTEST_HEADER = Pattern.compile("^(FAIL|ERROR): (\\w+) \\(([\\w.]+)\\)");
    /** nose2's test function: its dotted id alone (the result on a later line) or with its result. */
    private static final Pattern NOSE2_FUNCTION = Pattern.compile("^((?:\\w+\\.)+)(\\w+(?::\\d+)?)(?: \\.\\.\\. " + RESULT + ")?$");
    /** nose2's parameter set of a test method: its name alone, then its value and {@code (mod.Class.name} */
    private static final Pattern NOSE2_METHOD_PARAMS = Pattern.compile("^(\\w+:\\d+)$");
    private static final Pattern NOSE2_HEADER = Pattern.compile("^(FAIL|ERROR): ((?:\\w+\\.)+)(\\w+(?::\\d+)?)\\s*$");

    /** Whether {@code output} looks like pytest or unittest output. */
    public static boolean looksLikePython(String output) {
        return Pattern.compile("(?m)^Ran \\d+ tests? in ").matcher(output).find()
                || Pattern.compile("(?m)^=+ .*\\b(passed|failed|no tests ran|error)\\b.* in [0-9.]+s").matcher(output).find();
    }

    public TestSummary parse(String output) {
        String[] lines = output.split("\r?\n");
        boolean unittest = false;
        for (String l : lines) {
            if (UNITTEST_RAN.matcher(l).matches()) {
                unittest = true;
                break;
            }
        }
        return unittest ? parseUnittest(lines) : parsePytest(lines);
    }

    private TestSummary parsePytest(String[] lines) {
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        int errored = 0;
        Duration duration = Duration.ZERO;
        boolean sawSummary = false;
        List<TestCase> failures = new ArrayList<>();
        for (String l : lines) {
            Matcher m = PYTEST_SUMMARY.matcher(l.strip());
            if (m.matches()) {
                sawSummary = true;
                duration = JUnitXmlParser.seconds(m.group(2));
                Matcher c = PYTEST_COUNT.matcher(m.group(1));
                while (c.find()) {
                    int n = Integer.parseInt(c.group(1));
                    switch (c.group(2)) {
                        case "passed", "xpassed" -> passed += n;
                        case "failed" -> failed += n;
                        case "skipped", "xfailed" -> skipped += n;
                        default -> errored += n;
                    }
                }
                continue;
            }
            Matcher s = PYTEST_SHORT.matcher(l);
            if (s.matches() && s.group(2).contains("::")) {
                String id = s.group(2);
                int sep = id.lastIndexOf("::");
                failures.add(new TestCase(id.substring(0, sep), id.substring(sep + 2),
                        s.group(1).equals("FAILED") ? TestStatus.FAILED : TestStatus.ERRORED, Duration.ZERO,
                        s.group(3) == null ? "" : s.group(3), ""));
            }
        }
        List<TestCase> cases = new ArrayList<>(failures);
        List<String> warnings = new ArrayList<>();
        if (!sawSummary) {
            warnings.add("no pytest summary line found in the output");
        }
        TestSummary fromCases = TestSummary.of("pytest", cases, duration, warnings);
        if (!sawSummary) {
            return fromCases;
        }
        // The counts come from pytest's own summary; only failures are listed by name.
        return new TestSummary("pytest", passed, failed, skipped, errored, duration, fromCases.cases(),
                fromCases.casesTruncated(), warnings);
    }

    private TestSummary parseUnittest(String[] lines) {
        List<TestCase> cases = new ArrayList<>();
        Duration duration = Duration.ZERO;
        java.util.Map<String, StringBuilder> details = new java.util.LinkedHashMap<>();
        java.util.Map<String, TestStatus> headerStatus = new java.util.LinkedHashMap<>();
        StringBuilder current = null;
        String[] pending = null;   // {suite, name} of a test whose result is on a later line
        boolean inResults = true;
        for (String l : lines) {
            String[] header = failureHeader(l);
            if (header != null) {
                inResults = false;
                String key = header[1] + "#" + header[2];
                current = details.computeIfAbsent(key, k -> new StringBuilder());
                headerStatus.putIfAbsent(key, header[0].equals("FAIL") ? TestStatus.FAILED : TestStatus.ERRORED);
                continue;
            }
            if (current != null) {
                if (l.startsWith("Ran ") || l.startsWith("=====")) {
                    current = null;
                } else {
                    if (!l.startsWith("-----") && current.length() < TestCase.MAX_DETAILS) {
                        current.append(l).append('\n');
                    }
                    continue;
                }
            }
            Matcher r = UNITTEST_RAN.matcher(l);
            if (r.matches()) {
                duration = JUnitXmlParser.seconds(r.group(2));
                inResults = false;
                continue;
            }
            if (!inResults) {
                continue;
            }
            // a verbose line: "name (id)[ ... result]"; with a docstring, the result ends the next
            // line ("Description. ... ok"); a test that printed has its result alone on a later line
            Matcher head = UNITTEST_HEAD.matcher(l);
            Matcher tail = RESULT_TAIL.matcher(l);
            if (head.matches()) {
                String[] test = {suiteOf(head.group(1), head.group(2)), head.group(1)};
                if (tail.matches() && head.group(3).contains(" ... ")) {
                    cases.add(unittestCase(test, tail.group(1), tail.group(2)));
                    pending = null;
                } else {
                    pending = test;
                }
                continue;
            }
            if (pending != null) {
                Matcher alone = RESULT_ALONE.matcher(l.strip());
                Matcher suite = Pattern.compile(" \\(([\\w.]+)\\." + Pattern.quote(pending[1]) + "$").matcher(l);
                if (pending[0].isEmpty() && suite.find()) {
                    pending[0] = suite.group(1);
                } else if (tail.matches()) {
                    cases.add(unittestCase(pending, tail.group(1), tail.group(2)));
                    pending = null;
                } else if (alone.matches()) {
                    cases.add(unittestCase(pending, alone.group(1), alone.group(2)));
                    pending = null;
                }
                continue;
            }
            Matcher function = NOSE2_FUNCTION.matcher(l);
            if (NOSE2_METHOD_PARAMS.matcher(l).matches()) {
                pending = new String[] {"", l};
            } else if (function.matches()) {
                String[] test = {module(function.group(1)), function.group(2)};
                if (function.group(3) != null) {
                    cases.add(unittestCase(test, function.group(3), function.group(4)));
                } else {
                    pending = test;
                }
            }
        }
        List<TestCase> withDetails = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TestCase c : cases) {
            String key = c.suite() + "#" + c.name();
            seen.add(key);
            if (!c.isFailure()) {
                withDetails.add(c);
                continue;
            }
            withDetails.add(withDetails(c, details.get(key)));
        }
        // a failure the verbose lines did not show (no -v, or output in between) is still named
        for (var e : headerStatus.entrySet()) {
            if (!seen.contains(e.getKey())) {
                String[] parts = e.getKey().split("#", 2);
                withDetails.add(withDetails(new TestCase(parts[0], parts[1], e.getValue(), Duration.ZERO, "", ""),
                        details.get(e.getKey())));
            }
        }
        List<String> warnings = cases.isEmpty() ? List.of("no unittest results found (run it with -v)") : List.of();
        return TestSummary.of("unittest", withDetails, duration, warnings);
    }

    private static TestCase withDetails(TestCase c, StringBuilder d) {
        String text = d == null ? "" : d.toString().strip();
        String message = text.lines().filter(s -> !s.isBlank()).reduce((a, b) -> b).orElse(c.status().name());
        return new TestCase(c.suite(), c.name(), c.status(), c.duration(), message, text);
    }

    private static TestCase unittestCase(String[] test, String outcome, String reason) {
        TestStatus status = outcome.equals("ok") || outcome.equals("expected failure") ? TestStatus.PASSED
                : outcome.equals("FAIL") || outcome.equals("unexpected success") ? TestStatus.FAILED
                : outcome.equals("ERROR") ? TestStatus.ERRORED : TestStatus.SKIPPED;
        return new TestCase(test[0], test[1], status, Duration.ZERO,
                status == TestStatus.SKIPPED && reason != null ? reason : "", "");
    }

    /** {FAIL or ERROR, suite, name} of a {@code FAIL: test_x (mod.Class.test_x)} or nose2's {@code FAIL: mod.test_x}, or null. */
    private static String[] failureHeader(String line) {
        Matcher h = UNITTEST_HEADER.matcher(line);
        if (h.find()) {
            return new String[] {h.group(1), suiteOf(h.group(2), h.group(3)), h.group(2)};
        }
        Matcher function = NOSE2_HEADER.matcher(line);
        return function.matches() ? new String[] {function.group(1), module(function.group(2)), function.group(3)} : null;
    }

    /** {@code pkg.mod} from nose2's {@code pkg.mod.} prefix of a test function. */
    private static String module(String dottedPrefix) {
        return dottedPrefix.substring(0, dottedPrefix.length() - 1);
    }

    /** {@code mod.Class} from {@code mod.Class.test_x} (Python 3.11+) or {@code mod.Class} (older). */
    private static String suiteOf(String name, String dotted) {
        return dotted.endsWith("." + name) ? dotted.substring(0, dotted.length() - name.length() - 1) : dotted;
    }
}
