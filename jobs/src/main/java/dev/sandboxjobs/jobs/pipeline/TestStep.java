package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Command;
import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.ResultFormat;
import dev.sandboxjobs.jobs.detect.TestCandidate;
import dev.sandboxjobs.jobs.detect.TestTarget;
import dev.sandboxjobs.jobs.report.PackageResult;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.results.TestResults;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code test} step: runs the first test candidate whose probe succeeds, then turns
 * its results into a {@link TestSummary} — from the JUnit XML files it wrote when there
 * are any, else from its output. A failing suite is a result ({@link StepStatus#FAILED}),
 * never an exception; a timeout is {@link StepStatus#TIMED_OUT}.
 */
public final class TestStep {

    public static final String NAME = "test";

    /** How deep report globs are searched below their base directory. */
    private static final int REPORT_SEARCH_DEPTH = 8;
    /** Most report files read. */
    private static final int MAX_REPORT_FILES = 500;
    /** How runners say they do not know a flag. */
    /** A report file of a module: {@code <module>/target/…} or {@code <module>/build/…}. */
    private static final java.util.regex.Pattern MODULE_REPORT =
            java.util.regex.Pattern.compile("^(?:(.+)/)?(?:target|build)/(?:surefire-reports|failsafe-reports|test-results)/.*");
    private static final java.util.regex.Pattern REJECTED_FLAG = java.util.regex.Pattern.compile(
            "(?i)(unknown|unrecognized|unexpected|invalid) (option|argument|flag|cli option)|Unknown arguments?:");

    /** Empties the reports directory {@code $1}, then runs the rest of the arguments as the command. */
    static final String FRESH_REPORTS = "rm -rf -- \"$1\"; mkdir -p -- \"$1\"; shift; exec \"$@\"";

    /**
     * What the tests produced.
     *
     * @param summary the counts and failures
     * @param result  the test command's result (exit code, output)
     * @param report  the step's report
     * @param runner   the runner expected by the candidate that ran ({@code ""} when unknown)
     * @param packages a monorepo's packages with their own results, empty for a single project
     */
    public record Outcome(TestSummary summary, CommandResult result, StepReport report, String runner,
            List<PackageResult> packages) {
        public Outcome {
            packages = packages == null ? List.of() : List.copyOf(packages);
        }
    }

    private final PipelineRequest request;
    private final Workspace workspace;
    private final Clock clock;

    public TestStep(PipelineRequest request, Workspace workspace, Clock clock) {
        this.request = request;
        this.workspace = workspace;
        this.clock = clock;
    }

    public Outcome run(PipelineSandbox sandbox, String projectDir, Detection detection, Map<String, String> env) {
        PipelineNetwork.Phase network = PipelineNetwork.Phase.begin(sandbox,
                request.network().testPolicy(request, detection.kind()));
        try {
            Outcome done = test(sandbox, projectDir, detection, env);
            return new Outcome(done.summary(), done.result(), done.report().withNetwork(network.end()), done.runner(),
                    done.packages());
        } catch (StepException e) {
            throw new StepException(e.report().withNetwork(network.end()));
        }
    }

    private Outcome test(PipelineSandbox sandbox, String projectDir, Detection detection, Map<String, String> env) {
        Instant start = clock.instant();
        Instant deadline = start.plus(request.testTimeout());
        if (!detection.packages().isEmpty()) {
            return runPackages(sandbox, projectDir, detection, env, start, deadline);
        }
        TestCandidate chosen = choose(sandbox, projectDir, detection.tests(), env);
        One one = runOne(sandbox, projectDir, env, chosen, null);
        Verdict v = verdict(one, chosen.runner());
        StepReport report = new StepReport(NAME, v.status(), Duration.between(start, clock.instant()),
                one.command().display(), one.result().timedOut() ? -1 : one.result().exitCode(), v.message(), "");
        return new Outcome(one.summary(), one.result(), report, chosen.runner(),
                modules(sandbox, projectDir, one, chosen.runner()));
    }

    /** One command's run and what was read from it. */
    private record One(Command command, CommandResult result, TestSummary summary, String output, String note,
            Map<String, byte[]> reports) {
    }

    private record Verdict(StepStatus status, String message) {
    }

    /** Runs {@code chosen} in {@code dir}; with no deadline, each command gets the whole test timeout. */
    private One runOne(PipelineSandbox sandbox, String dir, Map<String, String> env, TestCandidate chosen, Instant deadline) {
        Command command = chosen.command();
        CommandResult r = runOnce(sandbox, dir, env, command, left(deadline));
        Map<String, byte[]> reports = collectReports(sandbox, dir, chosen.reportPaths());
        ResultFormat format = chosen.format();
        String note = "";
        if (chosen.plain() != null && reports.isEmpty() && !r.timedOut() && REJECTED_FLAG.matcher(r.combined()).find()) {
            // an older runner that does not know the report flags: run the script exactly as written
            note = chosen.runner() + " refused the report flags; ran `" + chosen.plain().display() + "` as written";
            command = chosen.plain();
            r = runOnce(sandbox, dir, env, command, left(deadline));
            reports = collectReports(sandbox, dir, chosen.reportPaths());
            format = chosen.runner().equals("tap") || chosen.runner().equals("node:test") ? ResultFormat.TAP
                    : ResultFormat.RUNNER_TEXT;
        }
        String output = format == ResultFormat.GO_TEST_JSON ? r.stdout() : r.combined();
        TestSummary summary;
        if (!reports.isEmpty()) {
            summary = TestResults.parseReports(reports);
        } else {
            summary = TestResults.parseOutput(output, format == ResultFormat.JUNIT_XML ? ResultFormat.AUTO : format,
                    chosen.runner().isEmpty() ? null : chosen.runner());
        }
        summary = summary.checkedAgainst(TestResults.printedTotals(r.combined(), totalsKey(chosen.runner(), summary)));
        return new One(command, r, summary, output, note, reports);
    }

    private Verdict verdict(One one, String runner) {
        CommandResult r = one.result();
        TestSummary summary = one.summary();
        StepStatus status;
        String message;
        if (r.timedOut()) {
            status = StepStatus.TIMED_OUT;
            message = "the tests did not finish within " + request.testTimeout()
                    + (summary.hasResults() ? "; results seen before: " + counts(summary) : "");
        } else if (r.exitCode() == 0 && summary.allPassed()) {
            status = StepStatus.SUCCEEDED;
            message = summary.hasResults() ? counts(summary)
                    : PipelineResult.COUNTS_UNAVAILABLE + "the test command passed, but no results of "
                            + (runner.isEmpty() ? "a known runner" : runner) + " were found in its output";
        } else {
            status = StepStatus.FAILED;
            int failing = summary.failed() + summary.errored();
            String part = failing > 0 ? "" : ScriptParts.failedPart(one.output(), runner, summary.hasResults());
            message = failing > 0 ? failing + " test(s) failed"
                    : !part.isEmpty() ? part + " (exit code " + r.exitCode() + ")"
                    : "the test command exited with " + r.exitCode() + " and reported no failing test"
                            + lastLine(one.output());
        }
        if (!summary.countMismatches().isEmpty()) {
            message += "; count mismatch: " + String.join("; ", summary.countMismatches());
        }
        if (!one.note().isEmpty()) {
            message += " (" + one.note() + ")";
        }
        return new Verdict(status, message);
    }

    /** A monorepo's packages one by one, in their directories, within the one test timeout; grouped results. */
    private Outcome runPackages(PipelineSandbox sandbox, String projectDir, Detection detection, Map<String, String> env,
            Instant start, Instant deadline) {
        List<PackageResult> packages = new java.util.ArrayList<>();
        TestSummary merged = TestSummary.empty("none");
        StringBuilder output = new StringBuilder();
        int exit = 0;
        boolean timedOut = false;
        List<String> commands = new java.util.ArrayList<>();
        java.util.Set<String> runners = new java.util.LinkedHashSet<>();
        for (TestTarget target : detection.packages()) {
            String dir = target.directory().isEmpty() ? projectDir : projectDir + "/" + target.directory();
            if (left(deadline).isZero()) {
                packages.add(new PackageResult(target.name(), target.directory(), "", "", -1, StepStatus.SKIPPED, 0, 0, 0,
                        0, "not run: the test timeout was reached"));
                continue;
            }
            TestCandidate chosen = choose(sandbox, dir, target.tests(), env);
            One one = runOne(sandbox, dir, env, chosen, deadline);
            Verdict v = verdict(one, chosen.runner());
            TestSummary s = one.summary();
            packages.add(new PackageResult(target.name(), target.directory(), chosen.runner(), one.command().display(),
                    one.result().timedOut() ? -1 : one.result().exitCode(), v.status(), s.passed(), s.failed(), s.skipped(),
                    s.errored(), v.message()));
            merged = merged.merge(prefixed(s, target.name()));
            output.append("== ").append(target.name()).append(" (").append(target.directory().isEmpty() ? "."
                    : target.directory()).append(") ==\n").append(one.result().combined());
            if (!one.result().combined().endsWith("\n")) {
                output.append('\n');
            }
            if (exit == 0 && !one.result().success()) {
                exit = one.result().timedOut() ? -1 : one.result().exitCode();
            }
            timedOut |= one.result().timedOut();
            commands.add("(cd " + (target.directory().isEmpty() ? "." : target.directory()) + " && "
                    + one.command().display() + ")");
            if (!chosen.runner().isEmpty()) {
                runners.add(chosen.runner());
            }
        }
        long failedPackages = packages.stream().filter(p -> p.status() != StepStatus.SUCCEEDED).count();
        StepStatus status = timedOut ? StepStatus.TIMED_OUT : failedPackages > 0 ? StepStatus.FAILED : StepStatus.SUCCEEDED;
        String message = packages.size() + " packages: " + (packages.size() - failedPackages) + " passed"
                + (failedPackages == 0 ? "" : ", " + failedPackages + " failed ("
                + String.join("; ", packages.stream().filter(p -> p.status() != StepStatus.SUCCEEDED)
                        .map(p -> p.name() + ": " + p.message()).toList()) + ")");
        if (status == StepStatus.SUCCEEDED && !merged.hasResults()) {
            message = PipelineResult.COUNTS_UNAVAILABLE + "the packages' tests passed, but no results were found in"
                    + " their output";
        }
        CommandResult all = new CommandResult(exit, output.toString(), "", timedOut);
        StepReport report = new StepReport(NAME, status, Duration.between(start, clock.instant()),
                String.join("; ", commands), exit, message, "");
        return new Outcome(merged, all, report, String.join(", ", runners), packages);
    }

    /**
     * {@code s} with its cases' suites and its warnings prefixed by the package name; a suite that already
     * starts with it (a Go package of the module {@code pkg}) keeps its name.
     */
    private static TestSummary prefixed(TestSummary s, String pkg) {
        List<dev.sandboxjobs.jobs.results.TestCase> cases = s.cases().stream()
                .map(c -> new dev.sandboxjobs.jobs.results.TestCase(c.suite().isEmpty() ? pkg
                        : c.suite().equals(pkg) || c.suite().startsWith(pkg + "/") ? c.suite() : pkg + " > " + c.suite(),
                        c.name(), c.status(), c.duration(), c.message(), c.details())).toList();
        List<String> warnings = s.warnings().stream().map(w -> pkg + ": " + w).toList();
        return new TestSummary(s.format(), s.passed(), s.failed(), s.skipped(), s.errored(), s.duration(), cases,
                s.casesTruncated(), warnings, null);
    }

    /**
     * A Maven or Gradle multi-module build's results grouped by module, from the report files' paths,
     * in name order; with the modules Maven's reactor summary says it skipped (they depend on one
     * that failed, so they have no report files), named as the summary names them.
     */
    private static List<PackageResult> modules(PipelineSandbox sandbox, String projectDir, One one, String runner) {
        Map<String, Map<String, byte[]>> byModule = new java.util.TreeMap<>();
        for (var file : one.reports().entrySet()) {
            String rel = file.getKey().startsWith(projectDir + "/") ? file.getKey().substring(projectDir.length() + 1)
                    : file.getKey();
            java.util.regex.Matcher m = MODULE_REPORT.matcher(rel);
            if (m.matches()) {
                byModule.computeIfAbsent(m.group(1) == null ? "" : m.group(1), k -> new java.util.LinkedHashMap<>())
                        .put(file.getKey(), file.getValue());
            }
        }
        List<String> skipped = runner.equals("surefire") ? MavenReactor.skippedModules(one.output()) : List.of();
        if (byModule.size() + skipped.size() < 2) {
            return List.of();
        }
        List<PackageResult> modules = new java.util.ArrayList<>();
        for (var module : byModule.entrySet()) {
            TestSummary s = TestResults.parseReports(module.getValue());
            String name = module.getKey().isEmpty() ? "(root)" : module.getKey();
            modules.add(new PackageResult(name, module.getKey(), runner, "", -1,
                    s.allPassed() ? StepStatus.SUCCEEDED : StepStatus.FAILED, s.passed(), s.failed(), s.skipped(),
                    s.errored(), s.allPassed() ? counts(s) : (s.failed() + s.errored()) + " test(s) failed"));
        }
        if (!skipped.isEmpty()) {
            List<String> entries; // a module's directory usually bears its name
            try {
                entries = sandbox.listFiles(projectDir, 1);
            } catch (RuntimeException e) {
                entries = List.of(); // only the directory column is lost
            }
            for (String name : skipped) {
                modules.add(new PackageResult(name, entries.contains(name + "/") ? name : "", runner, "", -1,
                        StepStatus.SKIPPED, 0, 0, 0, 0, "not run: Maven skipped it, as a module it depends on failed"));
            }
            modules.sort(java.util.Comparator.comparing(PackageResult::name));
        }
        return modules;
    }

    private Duration left(Instant deadline) {
        if (deadline == null) {
            return request.testTimeout();
        }
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private CommandResult runOnce(PipelineSandbox sandbox, String projectDir, Map<String, String> env, Command command,
            Duration timeout) {
        // an empty reports directory, made by the exec that runs the command (a fixed script; the argv are its
        // parameters); detached: a daemon the tests leave running does not keep the step waiting for its output
        List<String> argv = new java.util.ArrayList<>(List.of("sh", "-c", FRESH_REPORTS, "sj-test", workspace.reports()));
        argv.addAll(command.argv());
        return sandbox.exec(argv, ExecSpec.of(projectDir, env, timeout.isZero() ? Duration.ofSeconds(1) : timeout).detach());
    }

    /** The printed-totals scanner's key for {@code runner}'s summary. */
    private static String totalsKey(String runner, TestSummary parsed) {
        return switch (runner) {
            case "node:test", "ava" -> parsed.format().equals("tap") ? "tap" : runner;
            case "tap" -> "node-tap";
            case "nose2" -> "unittest";
            case "" -> null;
            default -> runner;
        };
    }

    /** {@code "; its last line: …"} from {@code output}, or {@code ""}. */
    private static String lastLine(String output) {
        String last = dev.sandboxjobs.jobs.results.internal.Ansi.strip(output).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("npm error") && !l.startsWith("npm ERR!")
                        && !l.startsWith("npm warn") && !l.startsWith("npm WARN"))
                .reduce((a, b) -> b).orElse("");
        return last.isEmpty() ? "" : "; its last line: " + (last.length() > 200 ? last.substring(0, 200) + "…" : last);
    }

    private static String counts(TestSummary s) {
        return s.passed() + " passed" + (s.skipped() > 0 ? ", " + s.skipped() + " skipped" : "");
    }

    private TestCandidate choose(PipelineSandbox sandbox, String projectDir, List<TestCandidate> tests,
            Map<String, String> env) {
        for (int i = 0; i < tests.size() - 1; i++) {
            TestCandidate t = tests.get(i);
            if (t.probe() == null
                    || sandbox.exec(t.probe().argv(), ExecSpec.of(projectDir, env, Duration.ofMinutes(1))).success()) {
                return t;
            }
        }
        return tests.get(tests.size() - 1);
    }

    private Map<String, byte[]> collectReports(PipelineSandbox sandbox, String projectDir, List<String> patterns) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        // the globs' base directories, listed in one go
        List<String> bases = patterns.stream().map(p -> p.startsWith("/") ? p : projectDir + "/" + p)
                .filter(a -> !isPlainFile(a)).map(TestStep::globBase).distinct().toList();
        Map<String, List<String>> listings = bases.isEmpty() ? Map.of() : sandbox.listFiles(bases, REPORT_SEARCH_DEPTH);
        for (String pattern : patterns) {
            String absolute = pattern.startsWith("/") ? pattern : projectDir + "/" + pattern;
            if (isPlainFile(absolute)) {
                sandbox.readFile(absolute, TestResults.MAX_XML_BYTES).ifPresent(b -> files.put(absolute, b));
                continue;
            }
            String base = globBase(absolute);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
            for (String rel : listings.getOrDefault(base, List.of())) {
                if (rel.endsWith("/") || files.size() >= MAX_REPORT_FILES) {
                    continue;
                }
                String path = base + "/" + rel;
                if (!files.containsKey(path) && matcher.matches(Path.of(path))) {
                    sandbox.readFile(path, TestResults.MAX_XML_BYTES).ifPresent(b -> files.put(path, b));
                }
            }
        }
        return files;
    }

    /** Whether {@code absolute} names one file (no wildcard). */
    private static boolean isPlainFile(String absolute) {
        return globBase(absolute).equals(absolute.substring(0, Math.max(0, absolute.lastIndexOf('/'))))
                && absolute.chars().noneMatch(c -> "*?[{".indexOf(c) >= 0);
    }

    /** The directory part of a glob before its first wildcard. */
    static String globBase(String glob) {
        int wildcard = glob.length();
        for (char c : new char[] {'*', '?', '[', '{'}) {
            int i = glob.indexOf(c);
            if (i >= 0) {
                wildcard = Math.min(wildcard, i);
            }
        }
        int slash = glob.lastIndexOf('/', wildcard);
        return slash <= 0 ? "/" : glob.substring(0, slash);
    }
}
