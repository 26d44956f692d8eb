package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Command;
import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.ProjectDetector;
import dev.sandboxjobs.jobs.detect.ProjectFiles;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code install} step: reads the project's root listing and build files out of the
 * sandbox, {@linkplain ProjectDetector detects} the kind, and runs its install commands
 * with the dependency caches' environment. An unknown project ends the pipeline with the
 * reason; a failing install ends it with the install's output.
 */
public final class InstallStep {

    public static final String NAME = "install";

    /**
     * What the install produced.
     *
     * @param detection what detection decided
     * @param env       the environment for the test step (caches + detection)
     * @param report    the step's report
     */
    public record Outcome(Detection detection, Map<String, String> env, StepReport report) {
    }

    private final PipelineRequest request;
    private final Workspace workspace;
    private final Clock clock;

    public InstallStep(PipelineRequest request, Workspace workspace, Clock clock) {
        this.request = request;
        this.workspace = workspace;
        this.clock = clock;
    }

    /** Reads what detection needs from the sandbox. */
    public static ProjectFiles readProjectFiles(PipelineSandbox sandbox, String projectDir) {
        List<String> listing = sandbox.listFiles(projectDir, 1);
        Map<String, String> contents = new LinkedHashMap<>();
        for (String name : ProjectFiles.FILES_TO_READ) {
            if (listing.contains(name)) {
                Optional<byte[]> bytes = sandbox.readFile(projectDir + "/" + name, ProjectFiles.MAX_CONTENT_CHARS);
                bytes.ifPresent(b -> contents.put(name, new String(b, StandardCharsets.UTF_8)));
            }
        }
        return ProjectFiles.of(listing, contents);
    }

    /**
     * Runs the step. Throws {@link StepException} for an unknown project, a project whose
     * tests cannot run, or a failing install.
     */
    public Outcome run(PipelineSandbox sandbox, String projectDir) {
        return run(sandbox, projectDir, detect(sandbox, projectDir));
    }

    /** Detects the project in {@code projectDir}, applying the request's overrides. */
    public Detection detect(PipelineSandbox sandbox, String projectDir) {
        return ProjectDetector.detect(readProjectFiles(sandbox, projectDir), request.overrides(), workspace.reports());
    }

    /** Runs the install for an already made {@code detection}. */
    public Outcome run(PipelineSandbox sandbox, String projectDir, Detection detection) {
        Instant start = clock.instant();
        Map<String, String> env = new LinkedHashMap<>(request.caches().envFor(detection.kind()));
        env.putAll(detection.env());
        if (detection.kind() == ProjectKind.UNKNOWN && !detection.runnable()) {
            throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), "", -1,
                    "unknown project: " + detection.reason(), String.join("\n", detection.notes())));
        }
        if (!detection.runnable()) {
            throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), "", -1,
                    "tests cannot run: " + detection.reason(), String.join("\n", detection.notes())));
        }
        ExecResult mkdir = sandbox.exec(List.of("mkdir", "-p", workspace.reports()),
                ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
        if (!mkdir.success()) {
            throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), "mkdir -p " + workspace.reports(),
                    mkdir.exitCode(), "cannot create " + workspace.reports() + ": " + mkdir.stderr().strip(), ""));
        }
        StringBuilder output = new StringBuilder();
        List<String> shown = new ArrayList<>();
        Instant deadline = start.plus(request.installTimeout());
        int exit = -1;
        for (Command command : detection.install()) {
            shown.add(command.display());
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw timedOut(start, shown, output);
            }
            ExecResult r = sandbox.exec(command.argv(), ExecSpec.of(projectDir, env, left));
            output.append(r.combined());
            exit = r.exitCode();
            if (r.timedOut()) {
                throw timedOut(start, shown, output);
            }
            if (!r.success()) {
                String message = command.display() + " exited with " + r.exitCode();
                if (!command.isShell() && (r.exitCode() == 127 || r.exitCode() == 126)) {
                    message += ": \"" + command.argv().get(0) + "\" is not installed in the sandbox image "
                            + "(use the runtime-full image, or override the install command)";
                }
                throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), String.join(" && ", shown),
                        r.exitCode(), message, output.toString()));
            }
        }
        String message = detection.install().isEmpty() ? "nothing to install" : "installed with " + detection.tool();
        return new Outcome(detection, env, new StepReport(NAME, StepStatus.SUCCEEDED, elapsed(start),
                String.join(" && ", shown), exit, message, output.toString()));
    }

    private StepException timedOut(Instant start, List<String> shown, StringBuilder output) {
        return new StepException(new StepReport(NAME, StepStatus.TIMED_OUT, elapsed(start), String.join(" && ", shown),
                -1, "the install did not finish within " + request.installTimeout(), output.toString()));
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, clock.instant());
    }
}
