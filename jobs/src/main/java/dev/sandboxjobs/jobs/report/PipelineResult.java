package dev.sandboxjobs.jobs.report;

import dev.sandboxjobs.jobs.results.TestSummary;
import dev.sandboxjobs.jobs.toolchain.ToolchainUse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a testing-pipeline run produced: the seed tutorial's fields ({@link #success()},
 * {@link #exitCode()}, {@link #output()}, {@link #errors()}, {@link #projectType()}) and the
 * source, per-step outcomes, test counts and failures, and artifact paths.
 *
 * <pre>{@code
 * PipelineResult r = PipelineResult.builder().repository("file:///repo").branch("main")
 *         .projectType("nodejs").exitCode(0).success(true).tests(summary).build();
 * String md = Reports.markdown(r);
 * }</pre>
 *
 * @param success      whether every step succeeded and no test failed
 * @param exitCode     the test command's exit code, {@code -1} when the tests did not run
 * @param output       the test command's standard output, capped ({@link #MAX_OUTPUT})
 * @param errors       the test command's standard error, capped
 * @param failure      why the pipeline failed before or beside the tests ({@code "install failed: …"}),
 *                     {@code ""} when it did not
 * @param projectType  {@code nodejs}, {@code python}, {@code go}, {@code maven}, {@code gradle},
 *                     {@code rust}, {@code make}, {@code unknown}, or {@value #CUSTOM} for a workflow
 *                     composed with {@code PipelineSteps} (its reports show no test table)
 * @param tool         the tool detection chose ({@code npm}, {@code pip}, …), {@code ""} if none
 * @param repository   the repository URL or local path (with no credentials)
 * @param branch       the branch, tag or commit asked for, {@code ""} for the default branch
 * @param commit       the commit SHA that was tested, {@code ""} when unknown
 * @param subdirectory the project's directory inside the repository, {@code ""} for its root
 * @param startedAt    when the run started
 * @param duration     how long it took
 * @param steps        each step's outcome, in order
 * @param tests        the test counts and failures
 * @param notes        what detection saw and decided, and other remarks
 * @param artifacts    artifact name to path ({@code "report.html" -> "/…/report.html"})
 * @param runner       the test runner detection expected ({@code mocha}, {@code pytest}, {@code surefire}…),
 *                     {@code ""} when unknown
 * @param toolVersions the versions of the tools used, as they printed them ({@code "node" -> "v20.19.1"})
 * @param packages     a monorepo's packages, each with its own results (empty for a single project)
 * @param image        the sandbox image the run used (its reference), {@code ""} when unknown
 * @param toolchains   the toolchain used, tool by tool: the version wanted, the one used, where it came from
 */
public record PipelineResult(boolean success, int exitCode, String output, String errors, String failure,
        String projectType, String tool, String repository, String branch, String commit, String subdirectory,
        Instant startedAt, Duration duration, List<StepReport> steps, TestSummary tests, List<String> notes,
        Map<String, String> artifacts, String runner, Map<String, String> toolVersions, List<PackageResult> packages,
        String image, List<ToolchainUse> toolchains) {

    /** The project type of a workflow composed with {@code PipelineSteps}: no tests, the steps' output. */
    public static final String CUSTOM = "custom";

    /** Most of each of {@link #output()} and {@link #errors()} kept. */
    public static final int MAX_OUTPUT = 256 * 1024;

    public PipelineResult {
        output = OutputCap.headAndTail(nz(output), MAX_OUTPUT);
        errors = OutputCap.headAndTail(nz(errors), MAX_OUTPUT);
        failure = nz(failure);
        projectType = projectType == null || projectType.isEmpty() ? "unknown" : projectType;
        tool = nz(tool);
        repository = nz(repository);
        branch = nz(branch);
        commit = nz(commit);
        subdirectory = nz(subdirectory);
        startedAt = startedAt == null ? Instant.EPOCH : startedAt;
        duration = duration == null ? Duration.ZERO : duration;
        steps = List.copyOf(steps);
        tests = tests == null ? TestSummary.empty("none") : tests;
        notes = List.copyOf(notes);
        artifacts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
        runner = nz(runner);
        toolVersions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(toolVersions == null ? Map.of() : toolVersions));
        packages = packages == null ? List.of() : List.copyOf(packages);
        image = nz(image);
        toolchains = toolchains == null ? List.of() : List.copyOf(toolchains);
    }

    /** Prefix of the test step's message when the tests passed but no result could be read. */
    public static final String COUNTS_UNAVAILABLE = "test counts unavailable: ";

    /** Whether the tests ran and passed while no result could be read: the counts are unknown, not zero. */
    public boolean countsUnavailable() {
        return !projectType.equals(CUSTOM) && !tests.hasResults() && step("test").isPresent()
                && step("test").get().status() == StepStatus.SUCCEEDED;
    }

    /**
     * The verdict in one line: {@code PASSED}, {@code PASSED, test counts unavailable: <why>},
     * {@code FAILED} or {@code FAILED (<why>)}.
     */
    public String headline() {
        if (success) {
            if (!countsUnavailable()) {
                return "PASSED";
            }
            String message = step("test").map(StepReport::message).orElse("");
            int at = message.indexOf(COUNTS_UNAVAILABLE);
            return "PASSED, " + (at >= 0 ? message.substring(at) : COUNTS_UNAVAILABLE + "no test results were found");
        }
        if (!failure.isEmpty()) {
            return "FAILED (" + failure + ")";
        }
        String test = step("test").map(StepReport::message).orElse("");
        return tests.failed() + tests.errored() > 0 || test.isEmpty() ? "FAILED" : "FAILED (" + test + ")";
    }

    /** The step named {@code name}, if it is in {@link #steps()}. */
    public java.util.Optional<StepReport> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** A copy with {@code artifacts} as its artifact paths. */
    public PipelineResult withArtifacts(Map<String, String> paths) {
        return toBuilder().artifacts(paths).build();
    }

    /** A builder initialised with this result's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.success = success;
        b.exitCode = exitCode;
        b.output = output;
        b.errors = errors;
        b.failure = failure;
        b.projectType = projectType;
        b.tool = tool;
        b.repository = repository;
        b.branch = branch;
        b.commit = commit;
        b.subdirectory = subdirectory;
        b.startedAt = startedAt;
        b.duration = duration;
        b.steps = new ArrayList<>(steps);
        b.tests = tests;
        b.notes = new ArrayList<>(notes);
        b.artifacts = new LinkedHashMap<>(artifacts);
        b.runner = runner;
        b.toolVersions = new LinkedHashMap<>(toolVersions);
        b.packages = new ArrayList<>(packages);
        b.image = image;
        b.toolchains = new ArrayList<>(toolchains);
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Builds a {@link PipelineResult}; unset fields are empty. */
    public static final class Builder {
        private boolean success;
        private int exitCode = -1;
        private String output = "";
        private String errors = "";
        private String failure = "";
        private String projectType = "unknown";
        private String tool = "";
        private String repository = "";
        private String branch = "";
        private String commit = "";
        private String subdirectory = "";
        private Instant startedAt = Instant.EPOCH;
        private Duration duration = Duration.ZERO;
        private List<StepReport> steps = new ArrayList<>();
        private TestSummary tests = TestSummary.empty("none");
        private List<String> notes = new ArrayList<>();
        private Map<String, String> artifacts = new LinkedHashMap<>();
        private String runner = "";
        private Map<String, String> toolVersions = new LinkedHashMap<>();
        private List<PackageResult> packages = new ArrayList<>();
        private String image = "";
        private List<ToolchainUse> toolchains = new ArrayList<>();

        private Builder() {
        }

        public Builder success(boolean v) { success = v; return this; }
        public Builder exitCode(int v) { exitCode = v; return this; }
        public Builder output(String v) { output = v; return this; }
        public Builder errors(String v) { errors = v; return this; }
        public Builder failure(String v) { failure = v; return this; }
        public Builder projectType(String v) { projectType = v; return this; }
        public Builder tool(String v) { tool = v; return this; }
        public Builder repository(String v) { repository = v; return this; }
        public Builder branch(String v) { branch = v; return this; }
        public Builder commit(String v) { commit = v; return this; }
        public Builder subdirectory(String v) { subdirectory = v; return this; }
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder step(StepReport v) { steps.add(Objects.requireNonNull(v)); return this; }
        public Builder steps(List<StepReport> v) { steps = new ArrayList<>(v); return this; }
        public Builder tests(TestSummary v) { tests = v; return this; }
        public Builder note(String v) { notes.add(v); return this; }
        public Builder notes(List<String> v) { notes = new ArrayList<>(v); return this; }
        public Builder artifacts(Map<String, String> v) { artifacts = new LinkedHashMap<>(v); return this; }
        public Builder image(String v) { image = v; return this; }
        public Builder toolchains(List<ToolchainUse> v) { toolchains = new ArrayList<>(v); return this; }
        public Builder runner(String v) { runner = v; return this; }
        public Builder toolVersions(Map<String, String> v) { toolVersions = new LinkedHashMap<>(v); return this; }
        public Builder packages(List<PackageResult> v) { packages = new ArrayList<>(v); return this; }

        public PipelineResult build() {
            return new PipelineResult(success, exitCode, output, errors, failure, projectType, tool, repository,
                    branch, commit, subdirectory, startedAt, duration, steps, tests, notes, artifacts, runner,
                    toolVersions, packages, image, toolchains);
        }
    }
}
