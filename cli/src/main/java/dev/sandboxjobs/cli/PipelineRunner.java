package dev.sandboxjobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.setup.SetupReport;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import dev.sandboxjobs.jobs.pipeline.ArtifactSink;
import dev.sandboxjobs.jobs.pipeline.PipelineImages;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipeline;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.Reports;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.toolchain.ImageChoice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What {@code demo} and {@code test} share: setup, the job engine, one run of the testing-pipeline workflow, a summary. */
final class PipelineRunner {
    /** Exit code when the tests (or the pipeline) failed. */
    static final int TESTS_FAILED = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineRunner() {}

    /** Ensures the image (and the full one when asked) and returns setup's report. */
    static SetupReport setup(SetupOptions options, boolean full, PrintWriter out) {
        SetupProgress progress = options.progress(out);
        try {
            return options.builder(progress).full(full).build().run();
        } finally {
            progress.close();
        }
    }

    /**
     * The image variant the project needs ({@link PipelineImages#choose}): a local directory is read here,
     * a remote repository is cloned once in a short-lived sandbox of {@code runtimeImage}.
     */
    static ImageChoice chooseImage(SetupOptions options, String runtimeImage, PipelineRequest parameters) {
        if (PipelineImages.decidesOnHost(parameters)) {
            return PipelineImages.choose(null, parameters, runtimeImage);
        }
        SandboxEngine.Builder builder = SandboxEngine.builder().image(runtimeImage)
                .dataDirectory(options.database.dataDirectory()).databaseLocation(options.database.location());
        if (options.dockerHost != null) {
            builder.dockerHost(options.dockerHost);
        }
        try (SandboxEngine engine = builder.build()) {
            return PipelineImages.choose(engine, parameters, runtimeImage);
        }
    }

    /** Where reports go when no directory is given: {@code <data dir>/reports/<time>-<name>}. */
    static Path defaultReportsDirectory(SetupOptions options, String name) {
        Path data = options.database.dataDirectory();
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").format(ZonedDateTime.now(ZoneOffset.UTC));
        return data.toAbsolutePath().normalize().resolve("reports").resolve(time + "-" + name);
    }

    /** A finished run: its id and the pipeline's result, with the artifacts' paths in the reports directory. */
    record Outcome(String runId, PipelineResult result) {
    }

    /**
     * Builds the request and checks it as the workflow will at submission ({@link TestingPipeline.Builder}),
     * so that a mistake is a usage error (exit 2) found before setup.
     */
    static PipelineRequest validate(PipelineRequest.Builder parameters) {
        try {
            PipelineRequest request = parameters.build();
            TestingPipelineWorkflow.request(request); // refuses a token value (credentials in the URL)
            return TestingPipeline.builder(request).buildUnchecked().request();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.contains("\"tokenSecret\"")
                    ? message + " (on the command line: --token-secret NAME, an environment variable holding the token)"
                    : message, e);
        }
    }

    /**
     * Submits the {@value TestingPipelineWorkflow#NAME} workflow through the job engine of the
     * embedded database ({@code <data dir>/sandbox-jobs.db}), follows it on {@code progress} — one
     * line per step as it starts and finishes, a spinner when stdout is a terminal — and writes its
     * stored reports to {@code reports}.
     *
     * @throws SandboxException when the run ended without a pipeline result (an infrastructure fault)
     */
    static Outcome run(SetupOptions options, TestingPipelineWorkflow.Images images, PipelineRequest parameters,
            Path reports, PrintWriter progress, boolean interactive) {
        SandboxEngine.Builder builder = SandboxEngine.builder().image(images.runtime())
                .dataDirectory(options.database.dataDirectory())
                .databaseLocation(options.database.location());
        if (options.dockerHost != null) {
            builder.dockerHost(options.dockerHost);
        }
        // a one-shot engine: it runs the run it submits and nothing else, so several `test` or
        // `demo` commands (and workers) share the database without taking each other's runs
        try (SandboxEngine engine = builder.build(); JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                     .options(JobsOptions.defaults().withPinnedSubmissions(true)).build()) {
            JobsWorker jobs = jobEngine.worker();
            BuiltInWorkflows.registerAll(jobs, images);
            BlockingQueue<RunEvent> events = new LinkedBlockingQueue<>();
            RunListener listener = new RunListener() {
                @Override
                public void onStepStarted(RunEvent event) {
                    events.add(event);
                }

                @Override
                public void onStepFinished(RunEvent event) {
                    events.add(event);
                }

                @Override
                public void onFinished(RunEvent event) {
                    events.add(event);
                }
            };
            jobs.addListener(listener);
            jobs.start();
            Run submitted = jobs.submit(TestingPipelineWorkflow.request(parameters).label("source", "cli").build());
            progress.println("Run " + submitted.id() + " (" + TestingPipelineWorkflow.NAME + ") submitted");
            progress.flush();
            Run run;
            try {
                run = follow(jobs, submitted.id(), events, progress, interactive);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                jobs.cancel(submitted.id());
                throw new SandboxException(ErrorCode.CLOSED, "Interrupted; run " + submitted.id() + " was cancelled.");
            } finally {
                jobs.removeListener(listener);
            }
            awaitSandboxDestroyed(engine, run.id());
            PipelineResult result = TestingPipelineWorkflow.result(run).orElseThrow(() -> new SandboxException(
                    ErrorCode.SANDBOX_ERROR, "Run " + run.id() + " ended " + run.state() + " without a pipeline result: "
                    + (run.failure() == null ? "no failure recorded" : run.failure().message())
                    + ". Check Docker (./sandbox-jobs doctor) and try again."));
            Map<String, String> paths = new LinkedHashMap<>();
            for (ArtifactInfo artifact : jobs.artifacts(run.id())) {
                paths.put(artifact.name(), ArtifactSink.directory(reports)
                        .store(artifact.name(), jobs.readArtifact(run.id(), artifact.name())));
            }
            return new Outcome(run.id(), result.withArtifacts(paths));
        }
    }

    /** Prints each step's start and end until the run is over; returns the finished run. */
    static Run follow(JobsClient jobs, String runId, BlockingQueue<RunEvent> events, PrintWriter out, boolean interactive)
            throws InterruptedException {
        Map<String, RunState> shown = new HashMap<>();
        Progress progress = new Progress(out, interactive);
        while (true) {
            events.poll(interactive ? 100 : 1000, TimeUnit.MILLISECONDS);
            events.clear();
            Run run = jobs.get(runId);
            String running = null;
            for (StepRun step : run.steps()) {
                RunState before = shown.put(step.name(), step.state());
                boolean newlyFinished = step.state().isFinished() && (before == null || !before.isFinished());
                if (step.state() == RunState.RUNNING) {
                    running = step.name();
                    if (before != RunState.RUNNING && !interactive) {
                        progress.line("  → " + step.name() + " started");
                    }
                } else if (newlyFinished && step.startedAt() == null) {
                    progress.line("  · " + step.name() + " not run");   // a later step of a failed run
                } else if (newlyFinished) {
                    if (before != RunState.RUNNING && !interactive) {
                        progress.line("  → " + step.name() + " started");   // it started and ended between two looks
                    }
                    progress.line("  " + (step.state() == RunState.SUCCEEDED ? "✓" : "✗") + " " + step.name() + " "
                            + step.state().name().toLowerCase(Locale.ROOT) + " " + seconds(stepDuration(step)));
                }
            }
            if (run.state().isFinished()) {
                for (StepRun step : run.steps()) {   // not started when the run ended (a fault, a cancellation)
                    if (!step.state().isFinished()) {
                        progress.line("  · " + step.name() + " not run");
                    }
                }
                progress.done();
                return run;
            }
            progress.spin(running);
        }
    }

    /** Lines, and on a terminal a spinner on the last line that each line replaces. */
    private static final class Progress {
        private static final String SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
        private final PrintWriter out;
        private final boolean interactive;
        private boolean spinning;
        private int tick;

        Progress(PrintWriter out, boolean interactive) {
            this.out = out;
            this.interactive = interactive;
        }

        void line(String text) {
            clear();
            out.println(text);
            out.flush();
        }

        void spin(String step) {
            if (interactive && step != null) {
                out.print("\r\033[K  " + SPINNER.charAt(tick++ % SPINNER.length()) + " " + step + "…");
                out.flush();
                spinning = true;
            }
        }

        void done() {
            clear();
            out.flush();
        }

        private void clear() {
            if (spinning) {
                out.print("\r\033[K");
                spinning = false;
            }
        }
    }

    /**
     * Waits (up to a minute) until the run's sandbox is gone: the engine records the run's end
     * before it destroys the sandbox, and closing the engine in between would leave the container
     * to the next engine's reaper.
     */
    private static void awaitSandboxDestroyed(SandboxEngine engine, String runId) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (engine.listSandboxes().stream().anyMatch(s -> runId.equals(s.labels().get(Labels.RUN)))) {
            if (System.nanoTime() > deadline) {
                return;   // the reaper of the next engine on this database destroys it
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Duration stepDuration(StepRun step) {
        return step.startedAt() == null || step.finishedAt() == null ? Duration.ZERO
                : Duration.between(step.startedAt(), step.finishedAt());
    }

    static int exitCode(PipelineResult result) {
        return result.success() ? Main.OK : TESTS_FAILED;
    }

    /** The run in a few aligned lines. */
    static String summary(Outcome outcome) {
        PipelineResult r = outcome.result();
        StringBuilder out = new StringBuilder();
        line(out, "Result", r.headline());
        line(out, "Project", r.projectType() + (r.tool().isEmpty() ? "" : " (" + r.tool() + ")"));
        if (!r.runner().isEmpty()) {
            line(out, "Runner", r.runner() + (r.tests().printed() == null ? "" : " (printed: " + r.tests().printed().line() + ")"));
        }
        line(out, "Repository", r.repository() + (r.branch().isEmpty() ? "" : " @ " + r.branch()));
        line(out, "Commit", r.commit().isEmpty() ? "(not a git repository)" : r.commit());
        if (r.countsUnavailable() || !r.tests().hasResults() && r.exitCode() >= 0) {
            line(out, "Tests", "counts unavailable (no results could be read from the test command)");
        } else if (r.tests().hasResults()) {
            line(out, "Tests", r.tests().passed() + " passed, " + r.tests().failed() + " failed, "
                    + r.tests().skipped() + " skipped, " + r.tests().errored() + " errored");
        }
        r.tests().countMismatches().forEach(m -> line(out, "", "⚠ count mismatch: " + m));
        if (!r.packages().isEmpty()) {
            line(out, "Packages", r.packages().size() + " tested one by one");
            r.packages().forEach(p -> line(out, "", (p.status() == StepStatus.SUCCEEDED ? "✓ " : "✗ ") + p.name()
                    + (p.runner().isEmpty() ? "" : " (" + p.runner() + ")") + ": " + p.passed() + " passed, " + p.failed()
                    + " failed, " + p.skipped() + " skipped, " + p.errored() + " errored"));
        }
        r.tests().failures().stream().limit(10).forEach(f -> line(out, "", "✗ " + f.fullName()
                + (f.message().isEmpty() ? "" : ": " + firstLine(f.message()))));
        line(out, "Steps", r.steps().stream().map(PipelineRunner::step).collect(Collectors.joining(", ")));
        r.steps().stream().filter(s -> !s.command().isEmpty() && !s.name().equals("clone"))
                .forEach(s -> line(out, "", s.name() + ": " + s.command() + (s.exitCode() < 0 ? "" : " → exit " + s.exitCode())));
        r.steps().stream().filter(s -> s.network() != null && s.network().contacted().size() + s.network().denied().size() > 0)
                .forEach(s -> line(out, "Network", s.name() + " (" + s.network().policy() + "): contacted "
                        + (s.network().contacted().isEmpty() ? "nothing" : String.join(", ", s.network().contacted()))
                        + "; denied " + (s.network().denied().isEmpty() ? "nothing"
                                : String.join(", ", s.network().deniedTargets()))));
        line(out, "Duration", seconds(r.duration()));
        line(out, "Run", outcome.runId());
        String html = r.artifacts().get("report.html");
        if (html != null) {
            line(out, "Report", html);
        }
        return out.toString();
    }

    /** The pipeline's result as JSON (the shape of report.json, with the artifacts' paths). */
    static String resultJson(PipelineResult r) {
        return Reports.json(r);
    }

    private static String step(StepReport s) {
        return s.name() + (s.status() == StepStatus.SUCCEEDED ? "" : " " + s.status().name().toLowerCase(Locale.ROOT))
                + " " + seconds(s.duration());
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-11s %s%n", label, value));
    }
}
