package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.StepContext;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.pipeline.PipelineSteps;
import dev.sandboxjobs.jobs.report.StepReport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A user-defined workflow composed with the pipeline's built-in steps:
 * {@code clone → count-lines → todos → report}. The two middle steps are this example's own:
 * one counts lines of code per file extension, the other lists the {@code TODO}s. The
 * {@code report} step puts both into {@code report.md}, {@code report.html}, {@code report.json}.
 *
 * <pre>
 * java -cp "examples/target/classes:examples/target/lib/*" dev.sandboxjobs.examples.CustomWorkflow \
 *     examples/sample-repo
 * </pre>
 */
public final class CustomWorkflow {
    /** The workflow's name. */
    public static final String NAME = "count-lines";

    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

    private CustomWorkflow() {}

    /** The workflow: the built-in clone, two steps of ours, the built-in report. */
    public static Workflow workflow() {
        return Workflow.named(NAME)
                .parameters(PipelineSteps.cloneParameters())
                .sandbox(SandboxSpec.defaults().withNetwork(NetworkMode.BRIDGE))
                .timeout(Duration.ofMinutes(15))
                .step(PipelineSteps.cloneStep())
                .step(PipelineSteps.step("count-lines", CustomWorkflow::countLines))
                .step(PipelineSteps.step("todos", CustomWorkflow::todos))
                .step(PipelineSteps.reportStep("count-lines", "todos"))
                .build();
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CustomWorkflow <git-url-or-directory> [ref]");
            System.exit(2);
        }
        String repository = args[0].contains("://") ? args[0] : Path.of(args[0]).toAbsolutePath().toString();
        try (SandboxEngine engine = SandboxEngine.create(); JobEngine jobEngine = JobEngine.over(engine)) {
            Run run = run(jobEngine, repository, args.length > 1 ? args[1] : null, System.out);
            System.exit(run.state() == RunState.SUCCEEDED ? 0 : 1);
        }
    }

    /**
     * Registers the workflow on {@code jobEngine}'s worker, submits a run on {@code repository} at
     * {@code ref} (null for the default branch), waits for it and prints {@code report.md}.
     */
    public static Run run(JobEngine jobEngine, String repository, String ref, PrintStream out)
            throws InterruptedException {
        JobsWorker jobs = jobEngine.worker();
        jobs.register(workflow());
        jobs.start();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("repository", repository);
        if (ref != null) {
            parameters.put("ref", ref);
        }
        Run submitted = jobs.submit(RunRequest.of(NAME).parameters(parameters).build());
        out.println("Submitted run " + submitted.id());
        Run run = jobs.await(submitted.id(), Duration.ofMinutes(10));
        out.println("Run " + run.id() + " " + run.state() + (run.failure() == null ? "" : ": " + run.failure().message()));
        if (jobs.artifacts(run.id()).stream().anyMatch(a -> a.name().equals("report.md"))) {
            out.println();
            out.println(new String(jobs.readArtifact(run.id(), "report.md"), StandardCharsets.UTF_8));
        }
        return run;
    }

    /** Lines per file extension of every file in the project (not {@code .git}). */
    static StepReport countLines(StepContext ctx, PipelineSteps.Checkout checkout) {
        ExecResult r = ctx.sandbox(Sandbox.class).exec(
                List.of("find", ".", "-type", "f", "-not", "-path", "./.git/*", "-exec", "wc", "-l", "{}", "+"),
                ExecOptions.builder().cwd(checkout.projectDir()).timeout(STEP_TIMEOUT).build());
        if (r.exitCode() != 0) {
            return PipelineSteps.stepReport("count-lines", r.exitCode(), "find/wc failed", r.stdout() + r.stderr());
        }
        Map<String, Integer> byExtension = new TreeMap<>();
        int files = 0;
        for (String line : r.stdout().lines().toList()) {
            String[] parts = line.strip().split("\\s+", 2);
            if (parts.length < 2 || parts[1].equals("total")) {
                continue;
            }
            files++;
            String name = parts[1].substring(parts[1].lastIndexOf('/') + 1);
            String extension = name.lastIndexOf('.') > 0 ? name.substring(name.lastIndexOf('.') + 1) : "(none)";
            byExtension.merge(extension, Integer.parseInt(parts[0]), Integer::sum);
        }
        int total = byExtension.values().stream().mapToInt(Integer::intValue).sum();
        String table = byExtension.entrySet().stream()
                .map(e -> String.format("%-10s %6d", e.getKey(), e.getValue()))
                .collect(Collectors.joining("\n"));
        return PipelineSteps.stepReport("count-lines", 0, total + " lines in " + files + " files", table);
    }

    /** Every {@code TODO} in the project, with its file and line. */
    static StepReport todos(StepContext ctx, PipelineSteps.Checkout checkout) {
        ExecResult r = ctx.sandbox(Sandbox.class).exec(
                List.of("grep", "-rnI", "--exclude-dir=.git", "TODO", "."),
                ExecOptions.builder().cwd(checkout.projectDir()).timeout(STEP_TIMEOUT).build());
        if (r.exitCode() > 1) { // grep: 0 found, 1 none found, 2 trouble
            return PipelineSteps.stepReport("todos", r.exitCode(), "grep failed", r.stderr());
        }
        long count = r.stdout().lines().count();
        return PipelineSteps.stepReport("todos", 0, count + " TODO" + (count == 1 ? "" : "s"), r.stdout());
    }
}
