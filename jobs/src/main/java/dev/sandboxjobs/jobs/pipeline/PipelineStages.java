package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.toolchain.ToolchainUse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The one assembly of the testing pipeline: its stages in order — {@code clone}, detection and
 * toolchains and {@code install}, {@code test}, {@code report} — and how each stage's outcome goes
 * into the {@link PipelineResult}. {@link TestingPipeline} runs them in one go ({@link #run});
 * {@link TestingPipelineWorkflow} runs one stage per workflow step and stores the outcomes between
 * them, then rebuilds the result from them with the same methods; {@link PipelineSteps} uses the
 * clone and the report for workflows of your own.
 */
final class PipelineStages {
    /** The stages that run commands, in order; those not reached are reported as skipped. */
    static final List<String> NAMES = List.of(CloneStep.NAME, InstallStep.NAME, TestStep.NAME);

    private final PipelineRequest request;
    private final Workspace workspace;
    private final Clock clock;

    PipelineStages(PipelineRequest request, Workspace workspace, Clock clock) {
        this.request = Objects.requireNonNull(request, "request");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- the stages ----

    /** Brings the repository into the sandbox (the request's token, else its token secret's variable). */
    CloneStep.Outcome clone(PipelineSandbox sandbox) throws StepException {
        return new CloneStep(request, workspace, clock, request.tokenSecret()).run(sandbox);
    }

    /** The install stage: {@link InstallStep#detect}, then {@link InstallStep#run}; it keeps the toolchains it provisioned. */
    InstallStep installer() {
        return new InstallStep(request, workspace, clock);
    }

    /** Runs the tests in the installed project. */
    TestStep.Outcome test(PipelineSandbox sandbox, String projectDir, InstallStep.Outcome installed) throws StepException {
        return new TestStep(request, workspace, clock).run(sandbox, projectDir, installed.detection(), installed.env());
    }

    /**
     * All the stages in {@code sandbox}, one after the other, and the report into {@code artifacts};
     * {@code redact} is applied to the tests' output.
     */
    PipelineResult run(PipelineSandbox sandbox, ArtifactSink artifacts, UnaryOperator<String> redact) {
        PipelineResult.Builder result = started(request, clock.instant());
        try {
            CloneStep.Outcome cloned = clone(sandbox);
            cloned(result, cloned);

            InstallStep install = installer();
            Detection detection = install.detect(sandbox, cloned.projectDir());
            detected(result, detection, null, null);
            InstallStep.Outcome installed;
            try {
                installed = install.run(sandbox, cloned.projectDir(), detection);
            } finally {
                provisioned(result, install.toolchains());
            }
            installed(result, installed);

            tested(result, test(sandbox, cloned.projectDir(), installed), redact);
        } catch (StepException e) {
            ended(result, e.report(), NAMES);
        }
        return finish(result, artifacts, clock);
    }

    // ---- the result, stage by stage ----

    /** A result of {@code request} started at {@code start}. */
    static PipelineResult.Builder started(PipelineRequest request, Instant start) {
        return PipelineResult.builder().repository(request.displayRepository()).branch(request.ref())
                .subdirectory(request.subdirectory()).startedAt(start);
    }

    /** The clone's report and commit, and a note when uncommitted changes came along. */
    static PipelineResult.Builder cloned(PipelineResult.Builder result, CloneStep.Outcome cloned) {
        result.step(cloned.report()).commit(cloned.commit());
        if (cloned.dirty()) {
            result.note("the working copy's uncommitted changes were included");
        }
        return result;
    }

    /**
     * The project's kind, tool and detection notes; {@code imageNote} and {@code image} (what the
     * workflow says about its image), when not null.
     */
    static PipelineResult.Builder detected(PipelineResult.Builder result, Detection detection, String imageNote, String image) {
        result.projectType(detection.kind().id()).tool(detection.tool());
        detection.notes().forEach(result::note);
        if (imageNote != null) {
            result.note(imageNote);
        }
        if (image != null) {
            result.image(image);
        }
        return result;
    }

    /** The toolchains the install stage provisioned (also when it failed), with a note each. */
    static PipelineResult.Builder provisioned(PipelineResult.Builder result, List<ToolchainUse> toolchains) {
        toolchains.forEach(t -> result.note("toolchain: " + t.describe()));
        return result.toolchains(toolchains);
    }

    /** The install's report and the tools' versions. */
    static PipelineResult.Builder installed(PipelineResult.Builder result, InstallStep.Outcome installed) {
        return result.step(installed.report()).toolVersions(installed.versions());
    }

    /** The tests' report, counts and output; the pipeline succeeds when the tests did. */
    static PipelineResult.Builder tested(PipelineResult.Builder result, TestStep.Outcome tested, UnaryOperator<String> redact) {
        StepReport test = tested.report();
        result.step(test).tests(tested.summary()).runner(tested.runner()).packages(tested.packages())
                .exitCode(tested.result().exitCode())
                .output(redact.apply(tested.result().stdout())).errors(redact.apply(tested.result().stderr()))
                .success(test.status() == StepStatus.SUCCEEDED);
        if (test.status() == StepStatus.TIMED_OUT) {
            result.failure(test.message());
        }
        return result;
    }

    /** The pipeline ended at {@code failed}: those of {@code steps} not reported are skipped. */
    static PipelineResult.Builder ended(PipelineResult.Builder result, StepReport failed, List<String> steps) {
        result.step(failed).success(false).failure(failed.name() + " failed: " + failed.message());
        for (String later : steps) {
            if (result.build().step(later).isEmpty()) {
                result.step(StepReport.skipped(later, failed.name() + " failed"));
            }
        }
        return result;
    }

    /** The {@code report} stage: the duration so far, the reports written to {@code artifacts}. */
    static PipelineResult finish(PipelineResult.Builder result, ArtifactSink artifacts, Clock clock) {
        PipelineResult built = result.build();
        return new ReportStep(artifacts, clock).run(result.duration(Duration.between(built.startedAt(), clock.instant())).build());
    }
}
