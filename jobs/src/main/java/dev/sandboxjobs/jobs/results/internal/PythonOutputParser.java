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
 * {@code Ran 3 tests in 0.001s}, {@code FAILED (failures=1)}).
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
            Matcher h = UNITTEST_HEADER.matcher(l);
            if (h.find()) {
                inResults = false;
                String key = suiteOf(h.group(2), h.group(3)) + "#" + h.group(2);
                current = details.computeIfAbsent(key, k -> new StringBuilder());
                headerStatus.putIfAbsent(key, h.group(1).equals("FAIL") ? TestStatus.FAILED : TestStatus.ERRORED);
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
                if (tail.matches()) {
                    cases.add(unittestCase(pending, tail.group(1), tail.group(2)));
                    pending = null;
                } else if (alone.matches()) {
                    cases.add(unittestCase(pending, alone.group(1), alone.group(2)));
                    pending = null;
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

    /** {@code mod.Class} from {@code mod.Class.test_x} (Python 3.11+) or {@code mod.Class} (older). */
    private static String suiteOf(String name, String dotted) {
        return dotted.endsWith("." + name) ? dotted.substring(0, dotted.length() - name.length() - 1) : dotted;
    }
}
