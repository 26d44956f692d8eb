package dev.sandboxjobs.jobs.results.internal;

import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TAP 13/14, including node's test runner: indented subtests ({@code # Subtest: name}),
 * YAML diagnostic blocks, {@code # SKIP}/{@code # TODO} directives and {@code Bail out!}.
 * Only leaf test points are counted; a parent that failed with no failing child (a failing
 * hook, say) counts as one failure.
 */
public final class TapParser {

    private static final Pattern POINT = Pattern.compile(
            "^(\\s*)(not ok|ok)\\b\\s*(\\d+)?\\s*(?:-\\s*)?(.*?)\\s*$");
    private static final Pattern DIRECTIVE = Pattern.compile("(?i)\\s+#\\s*(SKIP|TODO)\\b\\S*\\s*(.*)$");
    private static final Pattern SUBTEST = Pattern.compile("^(\\s*)# Subtest: (.*)$");
    private static final Pattern YAML_START = Pattern.compile("^(\\s*)---\\s*$");
    private static final Pattern BAIL = Pattern.compile("^\\s*Bail out!\\s*(.*)$");
    private static final Pattern DURATION = Pattern.compile("^# duration_ms ([0-9.]+)");

    /** Whether {@code output} looks like TAP. */
    public static boolean looksLikeTap(String output) {
        return output.contains("TAP version 1") || Pattern.compile("(?m)^\\s*(ok|not ok) \\d+").matcher(output).find();
    }

    private record Point(int depth, String suite, String name, boolean ok, String directive, String reason,
            Map<String, String> yaml, String yamlText) {
    }

    public TestSummary parse(String output) {
        List<String> warnings = new ArrayList<>();
        String[] lines = output.split("\r?\n", -1);
        List<Point> points = new ArrayList<>();
        Map<Integer, String> subtestAtDepth = new HashMap<>();
        Duration total = null;
        String bail = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher st = SUBTEST.matcher(line);
            if (st.matches()) {
                subtestAtDepth.put(depth(st.group(1)), st.group(2).trim());
                continue;
            }
            Matcher d = DURATION.matcher(line);
            if (d.find()) {
                total = JUnitXmlParser.seconds(String.valueOf(Double.parseDouble(d.group(1)) / 1000));
                continue;
            }
            Matcher b = BAIL.matcher(line);
            if (b.matches()) {
                bail = b.group(1);
                continue;
            }
            Matcher p = POINT.matcher(line);
            if (!p.matches()) {
                continue;
            }
            int depth = depth(p.group(1));
            String rest = p.group(4);
            String directive = "";
            String reason = "";
            Matcher dir = DIRECTIVE.matcher(rest);
            if (dir.find()) {
                directive = dir.group(1).toUpperCase();
                reason = dir.group(2).trim();
                rest = rest.substring(0, dir.start());
            }
            String name = unescape(rest.trim());
            if (name.isEmpty()) {
                name = "test " + (p.group(3) == null ? points.size() + 1 : p.group(3));
            }
            Map<String, String> yaml = Map.of();
            String yamlText = "";
            if (i + 1 < lines.length) {
                Matcher y = YAML_START.matcher(lines[i + 1]);
                if (y.matches()) {
                    int indent = y.group(1).length();
                    StringBuilder block = new StringBuilder();
                    int j = i + 2;
                    for (; j < lines.length; j++) {
                        String l = lines[j];
                        if (l.trim().equals("...") && leading(l) == indent) {
                            break;
                        }
                        if (block.length() < TestCase.MAX_DETAILS * 2) {
                            block.append(l.length() > indent ? l.substring(Math.min(indent, leading(l))) : l.strip())
                                    .append('\n');
                        }
                    }
                    yamlText = block.toString().stripTrailing();
                    yaml = MiniYaml.parse(yamlText);
                    i = Math.min(j, lines.length - 1);
                }
            }
            String suite = depth > 0 ? subtestAtDepth.getOrDefault(depth - 1, "") : "";
            points.add(new Point(depth, suite, name, p.group(2).equals("ok"), directive, reason, yaml, yamlText));
            subtestAtDepth.keySet().removeIf(k -> k > depth);
        }

        List<TestCase> cases = new ArrayList<>();
        // a point is a parent when the points just before it (since its previous sibling) are deeper
        boolean[] childFailed = new boolean[256];
        boolean[] hasChildren = new boolean[256];
        for (Point pt : points) {
            int depth = Math.min(pt.depth, 254);
            boolean parent = hasChildren[depth + 1];
            boolean failedChild = childFailed[depth + 1];
            hasChildren[depth + 1] = false;
            childFailed[depth + 1] = false;
            TestCase c = toCase(pt);
            boolean countIt = !parent || (c.isFailure() && !failedChild);
            if (countIt) {
                cases.add(c);
            }
            hasChildren[depth] = true;
            if (c.isFailure()) {
                childFailed[depth] = true;
            }
        }
        if (bail != null) {
            cases.add(new TestCase("", "Bail out!", TestStatus.ERRORED, Duration.ZERO,
                    bail.isEmpty() ? "the test run bailed out" : bail, ""));
        }
        if (points.isEmpty() && bail == null) {
            warnings.add("no TAP test points found in the output");
        }
        return TestSummary.of("tap", cases, total, warnings);
    }

    private static TestCase toCase(Point pt) {
        Duration duration = Duration.ZERO;
        String ms = pt.yaml.get("duration_ms");
        if (ms != null) {
            try {
                duration = Duration.ofNanos((long) (Double.parseDouble(ms) * 1_000_000));
            } catch (NumberFormatException ignored) {
                // a malformed duration is just unknown
            }
        }
        if (!pt.directive.isEmpty()) {
            return new TestCase(pt.suite, pt.name, TestStatus.SKIPPED, duration,
                    pt.reason.isEmpty() ? pt.directive.toLowerCase() : pt.reason, "");
        }
        if (pt.ok) {
            return TestCase.passed(pt.suite, pt.name, duration);
        }
        String message = pt.yaml.getOrDefault("error", pt.yaml.getOrDefault("message", ""));
        String failureType = pt.yaml.getOrDefault("failureType", "");
        TestStatus status = failureType.equals("testCodeFailure") || failureType.isEmpty()
                || failureType.equals("subtestsFailed") ? TestStatus.FAILED : TestStatus.ERRORED;
        if (message.isEmpty()) {
            message = "not ok";
        }
        return new TestCase(pt.suite, pt.name, status, duration, message, pt.yamlText);
    }

    private static int depth(String indent) {
        return indent.replace("\t", "    ").length() / 4;
    }

    private static int leading(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static String unescape(String name) {
        return name.replace("\\#", "#").replace("\\\\", "\\");
    }
}
