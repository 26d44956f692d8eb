package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.jobs.cache.CacheMount;
import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.pipeline.internal.SdkPipelineSandbox;
import java.security.SecureRandom;
import java.util.HexFormat;
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
 * try (SandboxEngine engine = SandboxEngine.create()) {
 *     PipelineRequest request = PipelineRequest.builder("https://git.example.com/app.git").ref("main").build();
 *     PipelineResult result = new TestingPipeline(request, ArtifactSink.directory(Path.of("out")))
 *             .run(engine, SandboxOptions.builder().image(RuntimeImage.fullDefaultReference()).build());
 *     System.out.println(result.tests().passed() + " passed; report: " + result.artifacts().get("report.html"));
 * }
 * }</pre>
 *
 * <p>{@link #run(SandboxEngine, SandboxOptions)} creates a fresh sandbox with the request's
 * dependency-cache volumes and always destroys it at the end, whatever happened;
 * {@link #run(PipelineSandbox)} runs in a sandbox the caller owns.
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

    /** Label on every sandbox {@link #run(SandboxEngine, SandboxOptions)} creates. */
    public static final String SANDBOX_LABEL = "dev.sandboxjobs.job";

    /** Runs the pipeline in a fresh sandbox of the engine's default image; see {@link #run(SandboxEngine, SandboxOptions)}. */
    public PipelineResult run(SandboxEngine engine) {
        return run(engine, SandboxOptions.DEFAULT);
    }

    /**
     * Runs the pipeline in a fresh sandbox made from {@code options} (image, limits, network…)
     * plus the request's cache volumes, and destroys the sandbox at the end: after success, a
     * failure, a timeout, and when an exception (an infrastructure fault) propagates.
     *
     * @throws dev.sandboxjobs.engine.SandboxException for infrastructure faults (Docker, a missing image)
     */
    public PipelineResult run(SandboxEngine engine, SandboxOptions options) {
        Objects.requireNonNull(engine, "engine");
        SandboxOptions.Builder sandboxOptions = options.toBuilder().label(SANDBOX_LABEL, "testing-pipeline");
        for (CacheMount cache : request.caches().mounts()) {
            sandboxOptions.volume(cache.volume(), cache.containerPath());
        }
        String id = "pipeline-" + HexFormat.of().formatHex(randomBytes());
        Sandbox sandbox = engine.getSandbox(id, sandboxOptions.build());
        RuntimeException failure = null;
        try {
            return run(new SdkPipelineSandbox(sandbox));
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                sandbox.destroy();
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    throw e;
                }
            } finally {
                sandbox.close();
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return bytes;
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
