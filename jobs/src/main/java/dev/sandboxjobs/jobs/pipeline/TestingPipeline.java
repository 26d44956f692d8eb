package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.cache.CacheMount;
import dev.sandboxjobs.jobs.pipeline.internal.SdkPipelineSandbox;
import dev.sandboxjobs.jobs.report.PipelineResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The built-in testing pipeline: {@code clone → install → test → report} in one sandbox,
 * producing a {@link PipelineResult}. The seed tutorial made durable and much more capable.
 *
 * <pre>{@code
 * try (SandboxEngine engine = SandboxEngine.create()) {
 *     PipelineRequest request = PipelineRequest.builder("https://git.example.com/app.git").ref("main").build();
 *     PipelineResult result = TestingPipeline.builder(request)
 *             .artifacts(ArtifactSink.directory(Path.of("out")))
 *             .token(Secret.fromEnv("GIT_TOKEN"))
 *             .buildUnchecked()
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
 * The stages and how their outcomes make the result are assembled once ({@code PipelineStages}):
 * this class runs them in order in one sandbox; {@link TestingPipelineWorkflow} runs the same
 * stages as durable steps of the job engine, with the same {@link PipelineRequest} as its
 * parameters ({@code TestingPipelineWorkflow.request(pipeline.request())}).
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
        SandboxOptions.Builder sandboxOptions = options.toBuilder().label(Labels.JOB, "testing-pipeline");
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
        return new PipelineStages(request, workspace, clock).run(sandbox, artifacts, this::redact);
    }

    /** The request this pipeline runs. */
    public PipelineRequest request() {
        return request;
    }

    private String redact(String text) {
        return request.token() == null ? text : request.token().redact(text);
    }

    /**
     * A builder of a pipeline for {@code request}: the request's values, plus what only a direct run
     * has (where the reports go, a token value, the caches, a workspace and a clock).
     */
    public static Builder builder(PipelineRequest request) {
        return new Builder(request);
    }

    /**
     * Builds a {@link TestingPipeline}; {@link #build()} checks the request as the job engine checks a
     * run's parameters at submission (a local directory that exists, a known image variant or a valid
     * reference, a secret name, egress rules…) and lists every problem.
     */
    public static final class Builder {
        private final PipelineRequest request;
        private ArtifactSink artifacts = ArtifactSink.none();
        private Secret token;
        private CacheMounts caches;
        private Workspace workspace = Workspace.DEFAULT;
        private Clock clock = Clock.systemUTC();

        private Builder(PipelineRequest request) {
            this.request = Objects.requireNonNull(request, "request");
        }

        /** Where the reports go (default: nowhere, {@link ArtifactSink#none()}). */
        public Builder artifacts(ArtifactSink v) { artifacts = Objects.requireNonNull(v, "artifacts"); return this; }
        /**
         * The token for a private repository, resolved when the pipeline is built; it replaces the
         * request's, is never in a command line, and is redacted from the output.
         */
        public Builder token(Secret v) { token = v; return this; }
        /** The dependency caches, replacing the request's ({@link CacheMounts#none()} to opt out). */
        public Builder caches(CacheMounts v) { caches = Objects.requireNonNull(v, "caches"); return this; }
        public Builder workspace(Workspace v) { workspace = Objects.requireNonNull(v, "workspace"); return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }

        /**
         * The pipeline.
         *
         * @throws InvalidPipelineException listing every problem of the request
         */
        public TestingPipeline build() throws InvalidPipelineException {
            PipelineRequest.Builder b = request.toBuilder();
            if (token != null) {
                b.token(SecretValue.of(token.reveal()));
            }
            if (caches != null) {
                b.caches(caches);
            }
            PipelineRequest built = b.build();
            List<String> problems = TestingPipelineWorkflow.problems(built);
            if (!problems.isEmpty()) {
                throw new InvalidPipelineException(problems);
            }
            return new TestingPipeline(built, artifacts, workspace, clock);
        }

        /**
         * {@link #build()} for callers that want an unchecked exception.
         *
         * @throws IllegalArgumentException with every problem, separated by {@code "; "}
         */
        public TestingPipeline buildUnchecked() {
            try {
                return build();
            } catch (InvalidPipelineException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
