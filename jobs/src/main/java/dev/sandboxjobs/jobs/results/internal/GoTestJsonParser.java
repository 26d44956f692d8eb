package dev.sandboxjobs.jobs.results.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code go test -json} events (test2json). Subtests ({@code TestX/case}) are counted and
 * their parent is not, unless it failed on its own. A package that fails with no failing
 * test (a build error) is one errored case named after the package. Lines that are not
 * JSON (build errors printed as text) are kept for those packages' details.
 */
public final class GoTestJsonParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TRACKED = 50_000;

    private static final class Acc {
        String pkg;
        String test;
        String action = "";
        double elapsed;
        StringBuilder output = new StringBuilder();
    }

    /** Whether {@code output} looks like test2json output. */
    public static boolean looksLikeGoJson(String output) {
        return output.contains("\"Action\":") && output.contains("\"Package\":");
    }

    public TestSummary parse(String output) {
        Map<String, Acc> tests = new LinkedHashMap<>();
        Map<String, Acc> packages = new LinkedHashMap<>();
        StringBuilder loose = new StringBuilder();
        List<String> warnings = new ArrayList<>();
        double totalElapsed = 0;
        int bad = 0;
        for (String line : output.split("\r?\n")) {
            String t = line.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!t.startsWith("{")) {
                if (loose.length() < TestCase.MAX_DETAILS) {
                    loose.append(line).append('\n');
                }
                continue;
            }
            JsonNode ev;
            try {
                ev = JSON.readTree(t);
            } catch (Exception e) {
                bad++;
                continue;
            }
            String action = ev.path("Action").asText("");
            String pkg = ev.path("Package").asText("");
            String test = ev.path("Test").asText("");
            if (action.isEmpty()) {
                continue;
            }
            Map<String, Acc> map = test.isEmpty() ? packages : tests;
            String key = pkg + "\u0000" + test;
            Acc acc = map.get(key);
            if (acc == null) {
                if (map.size() >= MAX_TRACKED) {
                    continue;
                }
                acc = new Acc();
                acc.pkg = pkg;
                acc.test = test;
                map.put(key, acc);
            }
            switch (action) {
                case "output" -> {
                    if (acc.output.length() < TestCase.MAX_DETAILS) {
                        acc.output.append(ev.path("Output").asText(""));
                    }
                }
                case "pass", "fail", "skip" -> {
                    acc.action = action;
                    acc.elapsed = ev.path("Elapsed").asDouble(0);
                    if (test.isEmpty()) {
                        totalElapsed += acc.elapsed;
                    }
                }
                default -> {
                }
            }
        }
        if (bad > 0) {
            warnings.add(bad + " line(s) of go test -json output were not valid JSON");
        }
        List<TestCase> cases = new ArrayList<>();
        Map<String, Boolean> pkgHadFailingTest = new LinkedHashMap<>();
        for (Acc acc : tests.values()) {
            boolean parent = tests.containsKey(acc.pkg + "\u0000" + acc.test + "/")
                    || tests.keySet().stream().anyMatch(k -> k.startsWith(acc.pkg + "\u0000" + acc.test + "/"));
            boolean childFailed = parent && tests.values().stream().anyMatch(
                    o -> o.pkg.equals(acc.pkg) && o.test.startsWith(acc.test + "/") && o.action.equals("fail"));
            TestStatus status = switch (acc.action) {
                case "pass" -> TestStatus.PASSED;
                case "skip" -> TestStatus.SKIPPED;
                case "fail" -> TestStatus.FAILED;
                default -> TestStatus.ERRORED; // started but never finished: a panic or a timeout
            };
            if (status != TestStatus.PASSED) {
                pkgHadFailingTest.put(acc.pkg, true);
            }
            if (parent && !(status == TestStatus.FAILED && !childFailed)) {
                continue;
            }
            String out = acc.output.toString();
            String message = status == TestStatus.PASSED ? "" : firstMeaningfulLine(out, acc.action.isEmpty()
                    ? "the test did not finish (panic or timeout)" : "");
            cases.add(new TestCase(acc.pkg, acc.test, status, Duration.ofNanos((long) (acc.elapsed * 1e9)),
                    message, status == TestStatus.PASSED ? "" : out.strip()));
        }
        for (Acc pkg : packages.values()) {
            if (pkg.action.equals("fail") && !pkgHadFailingTest.containsKey(pkg.pkg)) {
                String details = (pkg.output.toString() + loose).strip();
                cases.add(new TestCase(pkg.pkg, "(package)", TestStatus.ERRORED, Duration.ZERO,
                        firstMeaningfulLine(details, "the package failed without a failing test (build error?)"),
                        details));
            }
        }
        if (tests.isEmpty() && packages.isEmpty()) {
            warnings.add("no go test -json events found in the output");
        }
        return TestSummary.of("go-test-json", cases, Duration.ofNanos((long) (totalElapsed * 1e9)), warnings);
    }

    private static String firstMeaningfulLine(String out, String fallback) {
        for (String l : out.split("\n")) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("=== ") || s.startsWith("--- ") || s.equals("FAIL") || s.equals("PASS")
                    || s.startsWith("FAIL\t") || s.startsWith("ok ") || s.startsWith("#")) {
                continue;
            }
            return s;
        }
        return fallback;
    }
}
