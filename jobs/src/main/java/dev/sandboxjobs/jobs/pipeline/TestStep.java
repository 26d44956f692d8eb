package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.ResultFormat;
import dev.sandboxjobs.jobs.detect.TestCandidate;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecResult;
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
    /** Most JUnit XML files read. */
    private static final int MAX_REPORT_FILES = 500;

    /**
     * What the tests produced.
     *
     * @param summary the counts and failures
     * @param result  the test command's result (exit code, output)
     * @param report  the step's report
     */
    public record Outcome(TestSummary summary, ExecResult result, StepReport report) {
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
        Instant start = clock.instant();
        TestCandidate chosen = choose(sandbox, projectDir, detection, env);
        sandbox.exec(List.of("rm", "-rf", workspace.reports()), ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
        sandbox.exec(List.of("mkdir", "-p", workspace.reports()), ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
        ExecResult r = sandbox.exec(chosen.command().argv(), ExecSpec.of(projectDir, env, request.testTimeout()));
        Map<String, byte[]> xml = collectReports(sandbox, projectDir, chosen.reportPaths());
        TestSummary summary;
        if (!xml.isEmpty()) {
            summary = TestResults.parseJUnitXml(xml);
        } else {
            ResultFormat format = chosen.format() == ResultFormat.JUNIT_XML ? ResultFormat.AUTO : chosen.format();
            summary = TestResults.parseOutput(chosen.format() == ResultFormat.GO_TEST_JSON ? r.stdout() : r.combined(),
                    format);
        }
        StepStatus status;
        String message;
        if (r.timedOut()) {
            status = StepStatus.TIMED_OUT;
            message = "the tests did not finish within " + request.testTimeout();
        } else if (r.exitCode() == 0 && summary.allPassed()) {
            status = StepStatus.SUCCEEDED;
            message = summary.total() == 0 ? "the test command passed; no test results were found in its output"
                    : summary.passed() + " passed";
        } else {
            status = StepStatus.FAILED;
            int failing = summary.failed() + summary.errored();
            message = failing > 0 ? failing + " test(s) failed"
                    : "the test command exited with " + r.exitCode() + " and reported no failing test";
        }
        StepReport report = new StepReport(NAME, status, Duration.between(start, clock.instant()),
                chosen.command().display(), r.timedOut() ? -1 : r.exitCode(), message, "");
        return new Outcome(summary, r, report);
    }

    private TestCandidate choose(PipelineSandbox sandbox, String projectDir, Detection detection,
            Map<String, String> env) {
        List<TestCandidate> tests = detection.tests();
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
        for (String pattern : patterns) {
            String absolute = pattern.startsWith("/") ? pattern : projectDir + "/" + pattern;
            if (globBase(absolute).equals(absolute.substring(0, Math.max(0, absolute.lastIndexOf('/'))))
                    && absolute.chars().noneMatch(c -> "*?[{".indexOf(c) >= 0)) {
                sandbox.readFile(absolute, TestResults.MAX_XML_BYTES).ifPresent(b -> files.put(absolute, b));
                continue;
            }
            String base = globBase(absolute);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
            for (String rel : sandbox.listFiles(base, REPORT_SEARCH_DEPTH)) {
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
