package dev.sandboxjobs.jobs.results.internal;

import dev.sandboxjobs.jobs.results.PrintedTotals;
import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default console output of JavaScript runners that have no machine-readable output on by default:
 * mocha's spec reporter, jest, vitest, ava, jasmine and uvu. The counts are the runner's own printed
 * totals ({@link PrintedTotalsScanner}); failures are named from the runner's failure listing, and a
 * listing that names fewer failures than the totals count is a warning.
 */
public final class RunnerTextParser {

    /** Runners this parser reads, in the order they are tried without a hint. */
    public static final List<String> RUNNERS = List.of("mocha", "jest", "vitest", "ava", "jasmine", "uvu");

    private static final Pattern MOCHA_ENTRY = Pattern.compile("^ {2}(\\d+)\\) (.*)$");
    private static final Pattern JEST_ENTRY = Pattern.compile("^\\s*● (.+)$");
    private static final Pattern VITEST_ENTRY = Pattern.compile("^\\s*FAIL\\s+(\\S.*? > .*?)\\s*$");
    private static final Pattern AVA_ENTRY = Pattern.compile("^\\s*✘ \\[fail\\]: (.*?)(?: \\S+ms)?\\s*$");
    private static final Pattern JASMINE_ENTRY = Pattern.compile("^(\\d+)\\) (.*)$");
    private static final Pattern UVU_ENTRY = Pattern.compile("^\\s*FAIL\\s+(.*?)\\s+\"(.*)\"\\s*$");

    /** Whether the output carries the summary of one of {@link #RUNNERS}. */
    public static boolean recognises(String output) {
        return runnerOf(Ansi.strip(output), null) != null;
    }

    /**
     * Parses {@code output} as {@code runner}'s (or, with {@code null}, the first runner whose summary
     * is found); null when no summary of those runners is in the output.
     */
    public TestSummary parse(String output, String runner) {
        String text = Ansi.strip(output);
        Map<String, PrintedTotals> totals = PrintedTotalsScanner.scan(text);
        String which = runnerOf(text, runner);
        if (which == null) {
            return null;
        }
        PrintedTotals printed = totals.get(which);
        String[] lines = text.split("\n", -1);
        List<TestCase> failures = switch (which) {
            case "mocha" -> mocha(lines);
            case "jest" -> listed(lines, JEST_ENTRY, " › ", "jest");
            case "vitest" -> listed(lines, VITEST_ENTRY, " > ", "vitest");
            case "ava" -> listed(lines, AVA_ENTRY, " › ", "ava");
            case "jasmine" -> jasmine(lines);
            case "uvu" -> uvu(lines);
            default -> List.of();
        };
        int failed = Math.max(printed.failed(), 0);
        int skipped = Math.max(printed.skipped(), 0);
        int passed = printed.passed() >= 0 ? printed.passed()
                : printed.total() >= 0 ? printed.total() - failed - skipped : -1;
        List<String> warnings = new ArrayList<>();
        if (passed < 0 && which.equals("ava")) {
            // ava prints "N tests passed" only when none failed; its listing has one ✔ line per passed test
            passed = (int) java.util.Arrays.stream(lines).filter(l -> l.matches("^\\s*✔ .*")).count();
        }
        if (passed < 0) {
            passed = 0;
            warnings.add(which + " did not print how many tests passed: " + printed.line());
        }
        if (failures.size() < failed) {
            warnings.add(which + " counted " + failed + " failed test(s) but its output names " + failures.size());
        }
        List<TestCase> kept = failures.size() > TestSummary.MAX_CASES ? failures.subList(0, TestSummary.MAX_CASES) : failures;
        // a failure listed but not counted (a failing hook, a suite that did not load) is still a failure
        int extra = Math.max(0, failures.size() - failed);
        return new TestSummary(which, passed, failed, skipped, extra, Duration.ZERO, kept,
                kept.size() < failures.size(), warnings, null);
    }

    private static String runnerOf(String text, String hint) {
        Map<String, PrintedTotals> totals = PrintedTotalsScanner.scan(text);
        if (hint != null && RUNNERS.contains(hint)) {
            return totals.containsKey(hint) ? hint : null;
        }
        for (String r : RUNNERS) {
            if (totals.containsKey(r)) {
                return r;
            }
        }
        return null;
    }

    private static List<TestCase> mocha(String[] lines) {
        List<TestCase> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].matches("^\\s*\\d+ failing\\s*$")) {
                start = i + 1;
            }
        }
        if (start < 0) {
            return out;
        }
        for (int i = start; i < lines.length; i++) {
            Matcher m = MOCHA_ENTRY.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            String first = m.group(2).strip();
            int j = i;
            if (first.endsWith(":")) {
                parts.add(first.substring(0, first.length() - 1));
            } else {
                parts.add(first);
                for (j = i + 1; j < lines.length && !lines[j].isBlank(); j++) {
                    String p = lines[j].strip();
                    if (p.endsWith(":")) {
                        parts.add(p.substring(0, p.length() - 1));
                        break;
                    }
                    parts.add(p);
                }
            }
            StringBuilder details = new StringBuilder();
            int k = j + 1;
            for (; k < lines.length && !MOCHA_ENTRY.matcher(lines[k]).matches(); k++) {
                if (details.length() < TestCase.MAX_DETAILS) {
                    details.append(lines[k].strip()).append('\n');
                }
            }
            String body = details.toString().strip();
            String message = body.lines().filter(s -> !s.isBlank()).findFirst().orElse("failed");
            String name = parts.get(parts.size() - 1);
            String suite = String.join(" > ", parts.subList(0, parts.size() - 1));
            out.add(new TestCase(suite, name, TestStatus.FAILED, Duration.ZERO, message, body));
            i = k - 1;
        }
        return out;
    }

    /** Failures listed one per line as {@code a SEP b SEP name}, with their message on the next lines. */
    private static List<TestCase> listed(String[] lines, Pattern entry, String separator, String runner) {
        Map<String, TestCase> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = entry.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String full = m.group(1).strip();
            if (runner.equals("jest") && !full.contains(" › ") && !full.equals("Test suite failed to run")
                    && !lines[i].startsWith("  ●")) {
                continue;
            }
            StringBuilder details = new StringBuilder();
            for (int k = i + 1; k < lines.length && details.length() < TestCase.MAX_DETAILS; k++) {
                if (entry.matcher(lines[k]).matches() || lines[k].startsWith("Test Suites:") || lines[k].startsWith("⎯")
                        || lines[k].strip().startsWith("─")) {
                    break;
                }
                details.append(lines[k].strip()).append('\n');
            }
            String body = details.toString().strip();
            String message = body.lines().filter(s -> !s.isBlank() && !s.startsWith("❯") && !s.matches("^\\S+:\\d+$"))
                    .findFirst().orElse("failed");
            int cut = full.lastIndexOf(separator);
            String suite = cut < 0 ? "" : full.substring(0, cut).replace(separator, " > ");
            String name = cut < 0 ? full : full.substring(cut + separator.length());
            TestStatus status = full.equals("Test suite failed to run") ? TestStatus.ERRORED : TestStatus.FAILED;
            out.putIfAbsent(full, new TestCase(suite, name, status, Duration.ZERO, message, body));
        }
        return new ArrayList<>(out.values());
    }

    private static List<TestCase> jasmine(String[] lines) {
        List<TestCase> out = new ArrayList<>();
        boolean inFailures = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("Failures:")) {
                inFailures = true;
                continue;
            }
            if (l.startsWith("Pending:") || l.matches("^\\d+ specs?, .*")) {
                inFailures = false;
            }
            Matcher m = JASMINE_ENTRY.matcher(l);
            if (!inFailures || !m.matches()) {
                continue;
            }
            StringBuilder details = new StringBuilder();
            String message = "failed";
            for (int k = i + 1; k < lines.length && !JASMINE_ENTRY.matcher(lines[k]).matches()
                    && !lines[k].startsWith("Pending:") && !lines[k].matches("^\\d+ specs?, .*"); k++) {
                if (lines[k].strip().equals("Message:") && k + 1 < lines.length) {
                    message = lines[k + 1].strip();
                }
                if (details.length() < TestCase.MAX_DETAILS) {
                    details.append(lines[k].strip()).append('\n');
                }
            }
            out.add(new TestCase("", m.group(2).strip(), TestStatus.FAILED, Duration.ZERO, message,
                    details.toString().strip()));
        }
        return out;
    }

    private static List<TestCase> uvu(String[] lines) {
        List<TestCase> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = UVU_ENTRY.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String message = "failed";
            for (int k = i + 1; k < lines.length; k++) {
                if (!lines[k].isBlank()) {
                    message = lines[k].strip();
                    break;
                }
            }
            out.add(new TestCase(m.group(1).strip(), m.group(2), TestStatus.FAILED, Duration.ZERO, message, ""));
        }
        return out;
    }
}
