package dev.sandboxjobs.jobs.results.internal;

import dev.sandboxjobs.jobs.results.PrintedTotals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the totals test runners print at the end of a run, so that parsed counts can be checked
 * against them: unittest's {@code Ran N tests} and {@code FAILED (failures=1)}, pytest's summary,
 * mocha's {@code N passing}, jest's and vitest's {@code Tests:} lines, ava, jasmine, uvu, node's test
 * runner's and node-tap's TAP comments, Surefire's {@code Tests run:} per module, cargo's
 * {@code test result:} per binary, nextest, automake's {@code # TOTAL:} block and ctest.
 */
public final class PrintedTotalsScanner {

    private static final Pattern UNITTEST_RAN = Pattern.compile("(?m)^Ran (\\d+) tests? in [0-9.]+s\\s*$");
    private static final Pattern UNITTEST_END = Pattern.compile("(?m)^(OK|FAILED)(?: \\(([^)]*)\\))?\\s*$");
    private static final Pattern PYTEST = Pattern.compile(
            "(?m)^=+ (.*?\\b(?:passed|failed|skipped|errors?|xfailed|xpassed|no tests ran)\\b.*?) in [0-9.]+s.*=+\\s*$");
    private static final Pattern COUNT_WORD = Pattern.compile("(\\d+) ([a-z]+(?: [a-z]+)?)");
    private static final Pattern MOCHA_PASSING = Pattern.compile("(?m)^\\s*(\\d+) passing \\(");
    private static final Pattern MOCHA_FAILING = Pattern.compile("(?m)^\\s*(\\d+) failing\\s*$");
    private static final Pattern MOCHA_PENDING = Pattern.compile("(?m)^\\s*(\\d+) pending\\s*$");
    private static final Pattern JEST = Pattern.compile("(?m)^Tests:\\s+(.*?)(\\d+) total\\s*$");
    private static final Pattern VITEST = Pattern.compile("(?m)^\\s*Tests\\s+(\\d+ [a-z]+(?: \\| \\d+ [a-z]+)*)\\s+\\((\\d+)\\)\\s*$");
    private static final Pattern AVA = Pattern.compile(
            "(?m)^\\s*[✔✘]?\\s*(\\d+) (tests? passed|tests? failed|tests? skipped|tests? todo|known failures?|uncaught exceptions?|unhandled rejections?)\\s*$");
    private static final Pattern JASMINE = Pattern.compile(
            "(?m)^(\\d+) specs?, (\\d+) failures?(?:, (\\d+) pending specs?)?\\s*$");
    private static final Pattern UVU_TOTAL = Pattern.compile("(?m)^\\s*Total:\\s+(\\d+)\\s*$");
    private static final Pattern UVU_PASSED = Pattern.compile("(?m)^\\s*Passed:\\s+(\\d+)\\s*$");
    private static final Pattern UVU_SKIPPED = Pattern.compile("(?m)^\\s*Skipped:\\s+(\\d+)\\s*$");
    private static final Pattern TAP_COMMENT = Pattern.compile("(?m)^# (tests|pass|fail|skipped|skip|todo|cancelled) (\\d+)\\s*$");
    private static final Pattern NODE_TAP = Pattern.compile("(?m)^# \\{ total: (\\d+)((?:, [a-z]+: \\d+)*) \\}\\s*$");
    private static final Pattern SUREFIRE = Pattern.compile(
            "(?m)^(?:\\[(?:INFO|WARNING|ERROR)\\] )?Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)(?:, Flakes: \\d+)?\\s*$");
    private static final Pattern CARGO = Pattern.compile(
            "(?m)^test result: (?:ok|FAILED)\\. (\\d+) passed; (\\d+) failed; (\\d+) ignored;");
    private static final Pattern NEXTEST = Pattern.compile(
            "(?m)^\\s*Summary \\[.*?\\]\\s+(\\d+) tests? run: (\\d+) passed(?: \\([^)]*\\))?(?:, (\\d+) failed)?.*?(?:, (\\d+) skipped)?\\s*$");
    private static final Pattern AUTOMAKE = Pattern.compile("(?m)^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR): +(\\d+)\\s*$");
    private static final Pattern CTEST_DISABLED = Pattern.compile("(?m)^\\s+\\d+ - .+ \\(Disabled\\)\\s*$");
    private static final Pattern CTEST = Pattern.compile("(?m)^\\d+% tests passed, (\\d+) tests? failed out of (\\d+)\\s*$");

    private PrintedTotalsScanner() {
    }

    /** Every runner summary found in {@code output}, keyed by runner, in the order of the checks above. */
    public static Map<String, PrintedTotals> scan(String output) {
        String text = Ansi.strip(output);
        Map<String, PrintedTotals> found = new LinkedHashMap<>();
        unittest(text, found);
        pytest(text, found);
        mocha(text, found);
        jest(text, found);
        vitest(text, found);
        ava(text, found);
        jasmine(text, found);
        uvu(text, found);
        tapComments(text, found);
        nodeTap(text, found);
        surefire(text, found);
        cargo(text, found);
        nextest(text, found);
        automake(text, found);
        ctest(text, found);
        return found;
    }

    /** The totals of {@code runner} when it printed them, else the first found, else null. */
    public static PrintedTotals find(String output, String runner) {
        Map<String, PrintedTotals> all = scan(output);
        if (runner != null && all.containsKey(runner)) {
            return all.get(runner);
        }
        return all.isEmpty() ? null : all.values().iterator().next();
    }

    private static void unittest(String text, Map<String, PrintedTotals> found) {
        Matcher ran = UNITTEST_RAN.matcher(text);
        int total = 0;
        int failed = 0;
        int skipped = 0;
        boolean any = false;
        StringBuilder lines = new StringBuilder();
        while (ran.find()) {
            any = true;
            total += Integer.parseInt(ran.group(1));
            lines.append(ran.group().strip());
            Matcher end = UNITTEST_END.matcher(text);
            if (end.find(ran.end())) {
                lines.append(", ").append(end.group().strip());
                if (end.group(2) != null) {
                    Matcher c = Pattern.compile("([a-z ]+)=(\\d+)").matcher(end.group(2));
                    while (c.find()) {
                        int n = Integer.parseInt(c.group(2));
                        switch (c.group(1).strip()) {
                            case "failures", "errors", "unexpected successes" -> failed += n;
                            case "skipped" -> skipped += n;
                            default -> { }
                        }
                    }
                }
            }
            lines.append("; ");
        }
        if (any) {
            found.put("unittest", new PrintedTotals("unittest", trimSep(lines), total, total - failed - skipped, failed,
                    skipped));
        }
    }

    private static void pytest(String text, Map<String, PrintedTotals> found) {
        Matcher m = PYTEST.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            return;
        }
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        Matcher c = COUNT_WORD.matcher(last);
        while (c.find()) {
            int n = Integer.parseInt(c.group(1));
            String word = c.group(2).split(" ")[0];
            switch (word) {
                case "passed", "xpassed" -> passed += n;
                case "failed", "error", "errors" -> failed += n;
                case "skipped", "xfailed" -> skipped += n;
                default -> { }
            }
        }
        found.put("pytest", new PrintedTotals("pytest", last, -1, passed, failed, skipped));
    }

    private static void mocha(String text, Map<String, PrintedTotals> found) {
        Matcher p = MOCHA_PASSING.matcher(text);
        if (!p.find()) {
            return;
        }
        int passed = Integer.parseInt(p.group(1));
        int failed = lastInt(MOCHA_FAILING, text, p.end());
        int pending = lastInt(MOCHA_PENDING, text, p.end());
        found.put("mocha", new PrintedTotals("mocha", passed + " passing, " + Math.max(failed, 0) + " failing, "
                + Math.max(pending, 0) + " pending", -1, passed, Math.max(failed, 0), Math.max(pending, 0)));
    }

    private static void jest(String text, Map<String, PrintedTotals> found) {
        Matcher m = JEST.matcher(text);
        String parts = null;
        int total = 0;
        String line = null;
        while (m.find()) {
            parts = m.group(1);
            total = Integer.parseInt(m.group(2));
            line = m.group().strip();
        }
        if (parts == null) {
            return;
        }
        Map<String, Integer> counts = words(parts);
        found.put("jest", new PrintedTotals("jest", line, total, counts.getOrDefault("passed", 0),
                counts.getOrDefault("failed", 0),
                counts.getOrDefault("skipped", 0) + counts.getOrDefault("todo", 0)));
    }

    private static void vitest(String text, Map<String, PrintedTotals> found) {
        Matcher m = VITEST.matcher(text);
        if (!m.find()) {
            return;
        }
        Map<String, Integer> counts = words(m.group(1));
        found.put("vitest", new PrintedTotals("vitest", m.group().strip(), Integer.parseInt(m.group(2)),
                counts.getOrDefault("passed", 0), counts.getOrDefault("failed", 0),
                counts.getOrDefault("skipped", 0) + counts.getOrDefault("todo", 0)));
    }

    private static void ava(String text, Map<String, PrintedTotals> found) {
        Matcher m = AVA.matcher(text);
        int passed = -1;
        int failed = 0;
        int skipped = 0;
        boolean any = false;
        StringBuilder line = new StringBuilder();
        while (m.find()) {
            any = true;
            int n = Integer.parseInt(m.group(1));
            String what = m.group(2);
            line.append(m.group().strip()).append("; ");
            if (what.endsWith("passed")) {
                passed = n;
            } else if (what.endsWith("failed") || what.startsWith("uncaught") || what.startsWith("unhandled")) {
                failed += what.endsWith("failed") ? n : 0;
            } else if (what.endsWith("skipped") || what.endsWith("todo")) {
                skipped += n;
            } else if (what.startsWith("known failure")) {
                passed = passed < 0 ? -1 : passed;
            }
        }
        if (any) {
            // ava leaves out the "passed" line when some failed: the total is then unknown
            found.put("ava", new PrintedTotals("ava", trimSep(line), -1, passed, failed, skipped));
        }
    }

    private static void jasmine(String text, Map<String, PrintedTotals> found) {
        Matcher m = JASMINE.matcher(text);
        if (!m.find()) {
            return;
        }
        int specs = Integer.parseInt(m.group(1));
        int failures = Integer.parseInt(m.group(2));
        int pending = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        found.put("jasmine", new PrintedTotals("jasmine", m.group().strip(), specs, specs - failures - pending, failures,
                pending));
    }

    private static void uvu(String text, Map<String, PrintedTotals> found) {
        Matcher t = UVU_TOTAL.matcher(text);
        Matcher p = UVU_PASSED.matcher(text);
        if (!t.find() || !p.find()) {
            return;
        }
        int ran = Integer.parseInt(t.group(1));
        int passed = Integer.parseInt(p.group(1));
        Matcher s = UVU_SKIPPED.matcher(text);
        int skipped = s.find() ? Integer.parseInt(s.group(1)) : 0;
        found.put("uvu", new PrintedTotals("uvu", "Total: " + ran + ", Passed: " + passed + ", Skipped: " + skipped,
                ran + skipped, passed, ran - passed, skipped));
    }

    private static void tapComments(String text, Map<String, PrintedTotals> found) {
        Matcher m = TAP_COMMENT.matcher(text);
        Map<String, Integer> c = new LinkedHashMap<>();
        while (m.find()) {
            c.merge(m.group(1), Integer.parseInt(m.group(2)), Integer::sum);
        }
        if (!c.containsKey("tests") || !c.containsKey("pass")) {
            return;
        }
        int skipped = c.getOrDefault("skipped", 0) + c.getOrDefault("skip", 0) + c.getOrDefault("todo", 0);
        int failed = c.getOrDefault("fail", 0) + c.getOrDefault("cancelled", 0);
        found.put("tap", new PrintedTotals("tap", "# tests " + c.get("tests") + ", # pass " + c.get("pass") + ", # fail "
                + failed + ", # skipped " + skipped, c.get("tests"), c.get("pass"), failed, skipped));
    }

    private static void nodeTap(String text, Map<String, PrintedTotals> found) {
        Matcher m = NODE_TAP.matcher(text);
        if (!m.find()) {
            return;
        }
        Map<String, Integer> c = new LinkedHashMap<>();
        Matcher kv = Pattern.compile("([a-z]+): (\\d+)").matcher(m.group(2));
        while (kv.find()) {
            c.put(kv.group(1), Integer.parseInt(kv.group(2)));
        }
        found.put("node-tap", new PrintedTotals("node-tap", m.group().strip(), Integer.parseInt(m.group(1)),
                c.getOrDefault("pass", 0), c.getOrDefault("fail", 0), c.getOrDefault("skip", 0) + c.getOrDefault("todo", 0)));
    }

    private static void surefire(String text, Map<String, PrintedTotals> found) {
        // the per-module "Results:" line has no "Time elapsed" (the per-class lines have)
        Matcher m = SUREFIRE.matcher(text);
        int total = 0;
        int failed = 0;
        int skipped = 0;
        int modules = 0;
        while (m.find()) {
            modules++;
            total += Integer.parseInt(m.group(1));
            failed += Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
            skipped += Integer.parseInt(m.group(4));
        }
        if (modules > 0) {
            found.put("surefire", new PrintedTotals("surefire", "Tests run: " + total + ", Failures+Errors: " + failed
                    + ", Skipped: " + skipped + (modules > 1 ? " (" + modules + " modules)" : ""),
                    total, total - failed - skipped, failed, skipped));
        }
    }

    private static void cargo(String text, Map<String, PrintedTotals> found) {
        Matcher m = CARGO.matcher(text);
        int passed = 0;
        int failed = 0;
        int ignored = 0;
        int binaries = 0;
        while (m.find()) {
            binaries++;
            passed += Integer.parseInt(m.group(1));
            failed += Integer.parseInt(m.group(2));
            ignored += Integer.parseInt(m.group(3));
        }
        if (binaries > 0) {
            found.put("cargo", new PrintedTotals("cargo", passed + " passed; " + failed + " failed; " + ignored
                    + " ignored (" + binaries + " test binaries)", -1, passed, failed, ignored));
        }
    }

    private static void nextest(String text, Map<String, PrintedTotals> found) {
        Matcher m = NEXTEST.matcher(text);
        if (!m.find()) {
            return;
        }
        int run = Integer.parseInt(m.group(1));
        int skipped = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        found.put("nextest", new PrintedTotals("nextest", m.group().strip(), run + skipped, Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), skipped));
    }

    private static void automake(String text, Map<String, PrintedTotals> found) {
        Matcher m = AUTOMAKE.matcher(text);
        Map<String, Integer> c = new LinkedHashMap<>();
        while (m.find()) {
            c.merge(m.group(1), Integer.parseInt(m.group(2)), Integer::sum);
        }
        if (!c.containsKey("TOTAL")) {
            return;
        }
        int failed = c.getOrDefault("FAIL", 0) + c.getOrDefault("XPASS", 0) + c.getOrDefault("ERROR", 0);
        int skipped = c.getOrDefault("SKIP", 0);
        int total = c.get("TOTAL");
        found.put("automake", new PrintedTotals("automake", "# TOTAL: " + total + ", FAIL+XPASS+ERROR: " + failed
                + ", SKIP: " + skipped, total, total - failed - skipped, failed, skipped));
    }

    private static void ctest(String text, Map<String, PrintedTotals> found) {
        Matcher m = CTEST.matcher(text);
        if (!m.find()) {
            return;
        }
        int failed = Integer.parseInt(m.group(1));
        // ctest leaves DISABLED tests out of "out of N" and lists them under "did not run"; its JUnit
        // report has them (as skipped)
        int total = Integer.parseInt(m.group(2)) + (int) CTEST_DISABLED.matcher(text).results().count();
        found.put("ctest", new PrintedTotals("ctest", m.group().strip(), total, -1, failed, -1));
    }

    private static Map<String, Integer> words(String parts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher c = Pattern.compile("(\\d+) ([a-z]+)").matcher(parts);
        while (c.find()) {
            counts.merge(c.group(2), Integer.parseInt(c.group(1)), Integer::sum);
        }
        return counts;
    }

    private static int lastInt(Pattern p, String text, int from) {
        Matcher m = p.matcher(text);
        return m.find(from) ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String trimSep(StringBuilder b) {
        String s = b.toString();
        return s.endsWith("; ") ? s.substring(0, s.length() - 2) : s;
    }

    static List<String> keys(Map<String, PrintedTotals> m) {
        return new ArrayList<>(m.keySet());
    }
}
