package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.engine.workflow.ParameterValidator;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepContext;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline's built-in {@code clone} and {@code report} steps as building blocks for your own
 * workflow, with your steps in between.
 *
 * <pre>{@code
 * Workflow lines = Workflow.named("count-lines")
 *         .parameters(PipelineSteps.cloneParameters())           // "repository" required, "ref", …
 *         .sandbox(SandboxSpec.defaults().withNetwork(NetworkMode.BRIDGE))
 *         .step(PipelineSteps.cloneStep())
 *         .step(PipelineSteps.step("count", (ctx, checkout) -> {
 *             ExecResult r = ctx.sandbox(Sandbox.class).exec(
 *                     List.of("find", ".", "-name", "*.js", "-exec", "wc", "-l", "{}", "+"),
 *                     ExecOptions.builder().cwd(checkout.projectDir()).build());
 *             return PipelineSteps.stepReport("count", r.exitCode(), "counted", r.stdout());
 *         }))
 *         .step(PipelineSteps.reportStep("count"))
 *         .build();
 * jobs.register(lines);
 * }</pre>
 *
 * <p>The contract between the blocks:
 * <ul>
 * <li><b>clone</b> ({@link #cloneStep()}) reads the run's parameters {@code repository} (a git URL or
 *     a directory of the engine's host), {@code ref}, {@code subdirectory},
 *     {@code cloneTimeoutSeconds} and {@code tokenSecret}, exactly as the testing pipeline does
 *     (see {@link PipelineRequest} for the JSON form), and brings the repository into the sandbox at
 *     {@code /workspace/repo}. A clone that fails stores the reports (with the clone step alone)
 *     and fails the run.</li>
 * <li><b>your steps</b> ({@link #step(String, Body)}) get the clone's {@link Checkout} (project
 *     directory and commit) and return a {@link StepReport}: its {@code message} is the one-line
 *     verdict shown in the reports' step lists and {@code output} what it printed; a duration of
 *     zero is replaced by the time the step took. A report whose
 *     status is not {@code SUCCEEDED} does not stop the run: later steps still run, and the report
 *     step fails the run after storing the reports. An exception is a fault, as in any step.</li>
 * <li><b>report</b> ({@link #reportStep(String...)}) gathers the clone's and the named steps' reports,
 *     in that order, stores {@code report.json}, {@code junit.xml}, {@code report.md} and
 *     {@code report.html} as the run's artifacts and the whole {@link PipelineResult} under
 *     {@code "result"} ({@link #result(Run)}). Each step's output goes into the result's
 *     {@code output} under a {@code == name ==} header.</li>
 * </ul>
 */
public final class PipelineSteps {
    private static final ObjectMapper JSON = TestingPipelineWorkflow.JSON;
    private static final Set<String> CLONE_PARAMETERS = Set.of("repository", "ref", "subdirectory",
            "cloneTimeoutSeconds", "tokenSecret", "token", "password");

    private PipelineSteps() {}

    /**
     * What the clone brought in, for the steps after it.
     *
     * @param projectDir the project directory in the sandbox ({@code /workspace/repo} or its subdirectory)
     * @param commit     the commit SHA checked out, {@code ""} for a local directory without git
     * @param repository the repository as given (with no credentials)
     * @param ref        the branch, tag or commit asked for, {@code ""} for the default
     */
    public record Checkout(String projectDir, String commit, String repository, String ref) {
        public Checkout {
            Objects.requireNonNull(projectDir, "projectDir");
            commit = commit == null ? "" : commit;
            repository = repository == null ? "" : repository;
            ref = ref == null ? "" : ref;
        }
    }

    /** The body of a user step: runs after the clone, returns its report. */
    @FunctionalInterface
    public interface Body {
        StepReport run(StepContext context, Checkout checkout) throws Exception;
    }

    /**
     * A validator for the clone's parameters ({@code repository} required), accepting any other
     * parameter for your own steps.
     */
    public static ParameterValidator cloneParameters() {
        return params -> {
            if (params == null || !params.isObject()) {
                return List.of("the parameters must be a JSON object with at least \"repository\"");
            }
            ObjectNode clone = JSON.createObjectNode();
            params.fieldNames().forEachRemaining(name -> {
                if (CLONE_PARAMETERS.contains(name)) {
                    clone.set(name, params.get(name));
                }
            });
            return TestingPipelineWorkflow.validate(clone);
        };
    }

    /** The built-in {@code clone} step; see the class comment for its parameters. */
    public static Step cloneStep() {
        return Step.of(CloneStep.NAME, PipelineSteps::runClone);
    }

    /** Your step named {@code name}, run after the clone; its report joins the reports. */
    public static Step step(String name, Body body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        if (name.equals(CloneStep.NAME) || name.equals(ReportStep.NAME)) {
            throw new IllegalArgumentException("\"" + name + "\" is a built-in step's name; give your step another");
        }
        return Step.of(name, ctx -> {
            java.time.Instant start = ctx.clock().instant();
            StepReport report = Objects.requireNonNull(body.run(ctx, checkout(ctx)), "a step's report");
            if (report.duration().isZero()) {
                report = new StepReport(report.name(), report.status(), Duration.between(start, ctx.clock().instant()),
                        report.command(), report.exitCode(), report.message(), report.output());
            }
            TestingPipelineWorkflow.log(ctx, report);
            ObjectNode value = JSON.createObjectNode();
            value.set("report", JSON.valueToTree(report));
            return StepResult.success(value);
        });
    }

    /**
     * The built-in {@code report} step, gathering the reports of the clone and of {@code steps}
     * (names of your steps, in the order they are to be shown); put it last.
     */
    public static Step reportStep(String... steps) {
        Set<String> names = new LinkedHashSet<>(List.of(steps));
        return Step.of(ReportStep.NAME, ctx -> runReport(ctx, List.copyOf(names)));
    }

    /**
     * A report for your step: {@code SUCCEEDED} when {@code exitCode} is 0, else {@code FAILED}.
     *
     * @param name     the step's name
     * @param exitCode the command's exit code ({@code -1} when none ran)
     * @param message  the one-line verdict
     * @param output   what it printed
     */
    public static StepReport stepReport(String name, int exitCode, String message, String output) {
        return new StepReport(name, exitCode == 0 ? StepStatus.SUCCEEDED : StepStatus.FAILED, Duration.ZERO, "",
                exitCode, message, output);
    }

    /** The clone's outcome in a step that runs after it. */
    public static Checkout checkout(StepContext ctx) {
        JsonNode clone = ctx.result(CloneStep.NAME);
        if (!clone.has("outcome")) {
            throw new IllegalStateException("no clone outcome: put PipelineSteps.cloneStep() before your steps");
        }
        CloneStep.Outcome cloned = TestingPipelineWorkflow.read(clone.get("outcome"), CloneStep.Outcome.class);
        PipelineRequest p = TestingPipelineWorkflow.parameters(ctx);
        return new Checkout(cloned.projectDir(), cloned.commit(), p.repository(), p.ref());
    }

    /** The result the report step (or a failed clone) stored in {@code run}, if it got that far. */
    public static Optional<PipelineResult> result(Run run) {
        return TestingPipelineWorkflow.result(run);
    }

    // ---- the built-in steps ----

    private static StepResult runClone(StepContext ctx) {
        return TestingPipelineWorkflow.clone(ctx, TestingPipelineWorkflow.pipelineRequest(ctx, CacheMounts.none()),
                PipelineResult.CUSTOM, List.of());
    }

    private static StepResult runReport(StepContext ctx, List<String> steps) {
        PipelineRequest request = TestingPipelineWorkflow.pipelineRequest(ctx, CacheMounts.none());
        PipelineResult.Builder draft = TestingPipelineWorkflow.afterClone(ctx, request).projectType(PipelineResult.CUSTOM);
        StringBuilder output = new StringBuilder();
        StepReport failed = null;
        for (String name : steps) {
            JsonNode stored = ctx.result(name);
            if (!stored.has("report")) {
                draft.step(StepReport.skipped(name, "no report: not a PipelineSteps.step, or not run"));
                continue;
            }
            StepReport report = TestingPipelineWorkflow.read(stored.get("report"), StepReport.class);
            draft.step(report);
            if (!report.output().isEmpty()) {
                output.append("== ").append(name).append(" ==\n").append(report.output().strip()).append('\n');
            }
            if (failed == null && report.status() != StepStatus.SUCCEEDED && report.status() != StepStatus.SKIPPED) {
                failed = report;
            }
        }
        draft.output(output.toString()).success(failed == null);
        String failure = failed == null ? null : failed.name() + " failed: " + failed.message();
        if (failure != null) {
            draft.failure(failure);
        }
        return TestingPipelineWorkflow.finish(ctx, JSON.createObjectNode(), draft, failure);
    }
}
