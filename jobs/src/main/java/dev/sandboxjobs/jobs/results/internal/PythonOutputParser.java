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
    private static final Pattern UNITTEST_LINE = Pattern.compile(
            "^(\\w+) \\(([\\w.]+?)\\)(?:\\n.*?)? \\.\\.\\. (ok|FAIL|ERROR|skipped(?: (.*))?|expected failure|unexpected success)$");
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
        java.util.Map<String, StringBuilder> details = new java.util.HashMap<>();
        StringBuilder current = null;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            Matcher h = UNITTEST_HEADER.matcher(l);
            if (h.find()) {
                current = details.computeIfAbsent(h.group(3) + "#" + h.group(2), k -> new StringBuilder());
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
                continue;
            }
            Matcher t = UNITTEST_LINE.matcher(l);
            if (t.matches()) {
                String name = t.group(1);
                String dotted = t.group(2);
                String suite = dotted.endsWith("." + name) ? dotted.substring(0, dotted.length() - name.length() - 1) : dotted;
                String outcome = t.group(3);
                TestStatus status = outcome.equals("ok") || outcome.equals("expected failure") ? TestStatus.PASSED
                        : outcome.equals("FAIL") || outcome.equals("unexpected success") ? TestStatus.FAILED
                        : outcome.equals("ERROR") ? TestStatus.ERRORED : TestStatus.SKIPPED;
                cases.add(new TestCase(suite, name, status, Duration.ZERO,
                        status == TestStatus.SKIPPED && t.group(4) != null ? t.group(4) : "", ""));
            }
        }
        List<TestCase> withDetails = new ArrayList<>();
        for (TestCase c : cases) {
            if (!c.isFailure()) {
                withDetails.add(c);
                continue;
            }
            StringBuilder d = null;
            for (var e : details.entrySet()) {
                if (e.getKey().endsWith("#" + c.name()) && e.getKey().startsWith(c.suite())) {
                    d = e.getValue();
                }
            }
            String text = d == null ? "" : d.toString().strip();
            String message = text.lines().filter(s -> !s.isBlank()).reduce((a, b) -> b).orElse(c.status().name());
            withDetails.add(new TestCase(c.suite(), c.name(), c.status(), c.duration(), message, text));
        }
        List<String> warnings = cases.isEmpty() ? List.of("no unittest results found (run it with -v)") : List.of();
        return TestSummary.of("unittest", withDetails, duration, warnings);
    }
}
