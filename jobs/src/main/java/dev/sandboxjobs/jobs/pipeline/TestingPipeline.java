package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The built-in testing pipeline: {@code clone → install → test → report} in one sandbox,
 * producing a {@link PipelineResult}. The seed tutorial made durable and much more capable.
 *
 * <pre>{@code
 * PipelineRequest request = PipelineRequest.builder("https://git.example.com/app.git").ref("main").build();
 * PipelineResult result = new TestingPipeline(request, ArtifactSink.directory(Path.of("out")))
 *         .run(sandbox);
 * System.out.println(result.tests().passed() + " passed; report: " + result.artifacts().get("report.html"));
 * }</pre>
 *
 * <p>Failures of the project (an unreachable repository, a missing branch, an unknown kind,
 * a failing install, failing or hanging tests) are results with {@code success == false};
 * infrastructure faults thrown by the sandbox propagate, so that the job engine can retry.
 * Each step is a separate class so that the job engine can run and persist them as
 * workflow steps; this class runs them in order for direct use and tests.
 */
public final class TestingPipeline {

    private final PipelineRequest request;
    private final ArtifactSink artifacts;
    private final Workspace workspace;
    private final Clock clock;

    public TestingPipeline(PipelineRequest request, ArtifactSink artifacts) {
        this(request, artifacts, Workspace.DEFAULT, Clock.systemUTC());
    }

    public TestingPipeline(PipelineRequest request, ArtifactSink artifacts, Workspace workspace, Clock clock) {
        this.request = Objects.requireNonNull(request, "request");
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs the four steps in {@code sandbox}; the caller creates and destroys the sandbox. */
    public PipelineResult run(PipelineSandbox sandbox) {
        Instant start = clock.instant();
        PipelineResult.Builder result = PipelineResult.builder()
                .repository(request.displayRepository()).branch(request.ref()).subdirectory(request.subdirectory())
                .startedAt(start);
        try {
            CloneStep.Outcome cloned = new CloneStep(request, workspace, clock).run(sandbox);
            result.step(cloned.report()).commit(cloned.commit());
            if (cloned.dirty()) {
                result.note("the working copy's uncommitted changes were included");
            }

            InstallStep install = new InstallStep(request, workspace, clock);
            Detection detection = install.detect(sandbox, cloned.projectDir());
            result.projectType(detection.kind().id()).tool(detection.tool());
            detection.notes().forEach(result::note);
            InstallStep.Outcome installed = install.run(sandbox, cloned.projectDir(), detection);
            result.step(installed.report());

            TestStep.Outcome tested = new TestStep(request, workspace, clock)
                    .run(sandbox, cloned.projectDir(), installed.detection(), installed.env());
            StepReport test = tested.report();
            result.step(test).tests(tested.summary()).exitCode(tested.result().exitCode())
                    .output(redact(tested.result().stdout())).errors(redact(tested.result().stderr()))
                    .success(test.status() == StepStatus.SUCCEEDED);
            if (test.status() == StepStatus.TIMED_OUT) {
                result.failure(test.message());
            }
        } catch (StepException e) {
            StepReport failed = e.report();
            result.step(failed).success(false).failure(failed.name() + " failed: " + failed.message());
            for (String later : new String[] {CloneStep.NAME, InstallStep.NAME, TestStep.NAME}) {
                if (result.build().step(later).isEmpty()) {
                    result.step(StepReport.skipped(later, failed.name() + " failed"));
                }
            }
        }
        result.duration(Duration.between(start, clock.instant()));
        return new ReportStep(artifacts, clock).run(result.build());
    }

    private String redact(String text) {
        return request.token() == null ? text : request.token().redact(text);
    }
}
