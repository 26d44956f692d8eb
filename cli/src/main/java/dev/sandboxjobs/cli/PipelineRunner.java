package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.setup.SetupReport;
import dev.sandboxjobs.jobs.pipeline.ArtifactSink;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipeline;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code demo} and {@code test} share: setup, an engine, one pipeline run, a summary. */
final class PipelineRunner {
    /** Exit code when the tests (or the pipeline) failed. */
    static final int TESTS_FAILED = 1;

    private PipelineRunner() {}

    /** Ensures the image (and the full one when asked) and returns setup's report. */
    static SetupReport setup(SetupOptions options, boolean full, PrintWriter progress) {
        return options.builder(progress).full(full).build().run();
    }

    /** Where reports go when no directory is given: {@code <data dir>/reports/<time>-<name>}. */
    static Path defaultReportsDirectory(SetupOptions options, String name) {
        Path data = options.dataDir != null ? options.dataDir : SandboxEngine.defaultDataDirectory(System.getenv());
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").format(ZonedDateTime.now(ZoneOffset.UTC));
        return data.toAbsolutePath().normalize().resolve("reports").resolve(time + "-" + name);
    }

    /** Runs the pipeline in a fresh sandbox of {@code image}, destroyed at the end. */
    static PipelineResult run(SetupOptions options, String image, PipelineRequest request, Path reports) {
        SandboxEngine.Builder engine = SandboxEngine.builder().image(image);
        if (options.dataDir != null) {
            engine.dataDirectory(options.dataDir);
        }
        if (options.dockerHost != null) {
            engine.dockerHost(options.dockerHost);
        }
        try (SandboxEngine e = engine.build()) {
            return new TestingPipeline(request, ArtifactSink.directory(reports)).run(e, SandboxOptions.DEFAULT);
        }
    }

    static int exitCode(PipelineResult result) {
        return result.success() ? Main.OK : TESTS_FAILED;
    }

    /** The run in a few aligned lines. */
    static String summary(PipelineResult r) {
        StringBuilder out = new StringBuilder();
        String status = r.success() ? "PASSED" : r.failure().isEmpty() ? "FAILED" : "FAILED (" + r.failure() + ")";
        line(out, "Result", status);
        line(out, "Project", r.projectType() + (r.tool().isEmpty() ? "" : " (" + r.tool() + ")"));
        line(out, "Repository", r.repository() + (r.branch().isEmpty() ? "" : " @ " + r.branch()));
        line(out, "Commit", r.commit().isEmpty() ? "(not a git repository)" : r.commit());
        line(out, "Tests", r.tests().passed() + " passed, " + r.tests().failed() + " failed, "
                + r.tests().skipped() + " skipped, " + r.tests().errored() + " errored");
        r.tests().failures().stream().limit(10).forEach(f -> line(out, "", "✗ " + f.fullName()
                + (f.message().isEmpty() ? "" : ": " + firstLine(f.message()))));
        line(out, "Steps", r.steps().stream().map(PipelineRunner::step).collect(Collectors.joining(", ")));
        line(out, "Duration", seconds(r.duration()));
        String html = r.artifacts().get("report.html");
        if (html != null) {
            line(out, "Report", html);
        }
        return out.toString();
    }

    static String reportJson(PipelineResult r) {
        String json = r.artifacts().get("report.json");
        try {
            return Files.readString(Path.of(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json, e);
        }
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
