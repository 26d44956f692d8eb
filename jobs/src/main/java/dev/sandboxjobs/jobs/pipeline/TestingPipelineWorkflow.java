package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepContext;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.cache.CacheMount;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.pipeline.internal.SdkPipelineSandbox;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The testing pipeline as a durable workflow of the job engine, named {@value #NAME}: steps
 * {@code clone → install → test → report} in one per-run sandbox, each persisted with its result.
 *
 * <pre>{@code
 * try (SandboxEngine engine = SandboxEngine.create(); JobEngine jobEngine = JobEngine.over(engine)) {
 *     JobsWorker jobs = jobEngine.worker();
 *     BuiltInWorkflows.registerAll(jobs);                 // registers TestingPipelineWorkflow.create()
 *     jobs.start();
 *     Run run = jobs.submit(TestingPipelineWorkflow.request(
 *             PipelineRequest.builder("https://git.example.com/app.git").ref("main").tokenSecret("GIT_TOKEN").build()).build());
 *     jobs.await(run.id(), Duration.ofMinutes(60));
 *     PipelineResult result = TestingPipelineWorkflow.result(jobs, run.id()).orElseThrow();
 *     byte[] html = jobs.readArtifact(run.id(), "report.html");
 * }
 * }</pre>
 *
 * <ul>
 * <li>Parameters (a {@link PipelineRequest}, stored as JSON: see there) are checked when the run is submitted; a
 *     bad one is refused with {@code INVALID_PARAMETERS}. A token is given as a secret NAME,
 *     resolved by the engine's {@code SecretResolver} when the sandbox is created, and is never in
 *     the parameters, the database, the logs or the reports.</li>
 * <li>The sandbox follows the parameters: the image variant, the cache volumes (unless
 *     {@code cache} is false), bridge networking, label {@value Labels#JOB}.</li>
 * <li>Each step stores its outcome as JSON ({@code {"outcome": …}}); the step that ends the
 *     pipeline — {@code report}, or an earlier one that failed — also stores the whole
 *     {@link PipelineResult} under {@code "result"} and the artifacts {@code report.json},
 *     {@code junit.xml}, {@code report.md}, {@code report.html} ({@link JobsClient#readArtifact}).</li>
 * <li>A red test suite, a repository that cannot be cloned, a failing install and a test step
 *     timeout are {@link StepResult#failure failed results}: the run is {@code FAILED}, with no
 *     retry. Infrastructure faults (Docker, a lost sandbox) propagate and are retried in a new
 *     sandbox ({@link RetryPolicy#attempts(int) 2 attempts}).</li>
 * </ul>
 *
 * <p>The steps are the stages of {@link TestingPipeline}, assembled once ({@code PipelineStages}); this
 * class adds what makes them durable: each stage's outcome stored, and the result rebuilt from them.
 */
public final class TestingPipelineWorkflow {
    /** The workflow's name. */
    public static final String NAME = "testing-pipeline";

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final int MAX_LOG_LINES = 2_000;
    private static final List<String> OWN_STEPS = PipelineStages.NAMES;

    private TestingPipelineWorkflow() {}

    /**
     * The images the two variants stand for.
     *
     * @param runtime the {@code "runtime"} variant (the default)
     * @param full    the {@code "full"} variant
     */
    public record Images(String runtime, String full) {
        public Images {
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(full, "full");
        }

        /** {@code sandbox-jobs/runtime:<version>} and {@code sandbox-jobs/runtime-full:<version>}. */
        public static Images defaults() {
            return new Images(RuntimeImage.defaultReference(), RuntimeImage.fullDefaultReference());
        }

        String resolve(String image) {
            if (image == null || image.isEmpty() || image.equals(PipelineRequest.IMAGE_RUNTIME)) {
                return runtime;
            }
            return image.equals(PipelineRequest.IMAGE_FULL) ? full : image;
        }
    }

    /** The workflow with the default images; see {@link #create(Images)}. */
    public static Workflow create() {
        return create(Images.defaults());
    }

    /** The workflow, running in {@code images} with the default caches; register it with {@link JobsClient#register}. */
    public static Workflow create(Images images) {
        return create(images, CacheMounts.defaults());
    }

    /**
     * The workflow, running in {@code images}, mounting {@code caches} in runs whose {@code cache}
     * parameter is not false (e.g. {@link CacheMounts#withPrefix} for one tenant's volumes).
     */
    public static Workflow create(Images images, CacheMounts caches) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(caches, "caches");
        return Workflow.named(NAME)
                .parameters(TestingPipelineWorkflow::validate)
                .sandbox(params -> sandbox(images, caches, params))
                .timeout(Duration.ofHours(2))
                .retry(RetryPolicy.attempts(2))
                .step(Step.of(CloneStep.NAME, ctx -> cloneStep(ctx, caches)))
                .step(Step.of(InstallStep.NAME, ctx -> installStep(ctx, images, caches)))
                .step(Step.of(TestStep.NAME, ctx -> testStep(ctx, images, caches)))
                .step(Step.of(ReportStep.NAME, ctx -> reportStep(ctx, images, caches)))
                .build();
    }

    /**
     * A request to run the workflow with {@code request} as its parameters; add labels, a timeout… and
     * build it. Its caches are the workflow's ({@link #create(Images, CacheMounts)}), or none when
     * the request has none.
     *
     * @throws IllegalArgumentException when the request holds a token value (from the repository URL
     *                                  or {@link PipelineRequest.Builder#token}: a durable run is given the
     *                                  NAME of a secret, {@link PipelineRequest.Builder#tokenSecret}) or a
     *                                  clone depth other than 1
     */
    public static RunRequest.Builder request(PipelineRequest request) {
        if (request.token() != null) {
            throw new IllegalArgumentException(CREDENTIALS);
        }
        if (request.depth() != 1) {
            throw new IllegalArgumentException("the testing-pipeline workflow clones with depth 1, not " + request.depth());
        }
        return RunRequest.of(NAME).parameters(JSON.valueToTree(request));
    }

    /** A request to run {@code pipeline}'s request durably; see {@link #request(PipelineRequest)}. */
    public static RunRequest.Builder request(TestingPipeline pipeline) {
        return request(pipeline.request());
    }

    private static final String CREDENTIALS = "the repository URL holds credentials: remove them and give the NAME"
            + " of a secret holding the token as \"tokenSecret\"";

    /**
     * What is wrong with {@code request}, as {@link #validate} finds it in the request's JSON form (a
     * token value is not part of it: see {@link #request(PipelineRequest)}); empty when nothing is.
     */
    public static List<String> problems(PipelineRequest request) {
        return validate(JSON.valueToTree(request));
    }

    /**
     * The pipeline's result as the step that ended it stored it, or empty when no step got that far
     * (the run is queued, running, or ended by a fault, a timeout or a cancellation).
     */
    public static Optional<PipelineResult> result(JobsClient jobs, String runId) {
        return result(jobs.get(runId));
    }

    /** The pipeline's result stored in {@code run}'s steps, if any; see {@link #result(JobsClient, String)}. */
    public static Optional<PipelineResult> result(Run run) {
        List<StepRun> steps = run.steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            JsonNode value = steps.get(i).result();
            if (value != null && value.hasNonNull("result")) {
                return Optional.of(read(value.get("result"), PipelineResult.class));
            }
        }
        return Optional.empty();
    }

    /**
     * The parameters' problems, empty when they are valid (called by the engine at submit): each field
     * is bound by Jackson to its field of the request's JSON form with no coercion (a number
     * is not a string, "yes" is not a boolean), then the values are checked and the request its source.
     */
    public static List<String> validate(JsonNode params) {
        if (params == null || !params.isObject()) {
            return List.of("the parameters must be a JSON object with at least \"repository\"");
        }
        List<String> problems = ParameterBinding.typeProblems(params);
        ObjectNode bound = ParameterBinding.wellTyped(params);
        if (!bound.hasNonNull("repository")) {
            bound.put("repository", "");
        }
        PipelineParameters p = read(bound, PipelineParameters.class);
        problems.addAll(p.problems());
        if (p.repository().isEmpty()) {
            return problems;
        }
        try {
            PipelineRequest request = p.toRequest(true);
            if (request.token() != null) {
                problems.add(CREDENTIALS);
            }
            if (request.hostPath().isPresent() && !Files.isDirectory(request.hostPath().get())) {
                problems.add("\"repository\" is a file:// URL, resolved on this host, but " + request.hostPath().get()
                        + " is not a directory here");
            }
            if (request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY
                    && !Files.isDirectory(Path.of(request.repository()))) {
                problems.add("\"repository\" is neither a git URL (https://, ssh://, git://, file://, user@host:path)"
                        + " nor an existing directory: " + request.repository());
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** The run's sandbox: the image variant, caches as volumes, the token secret, network for clones and installs. */
    static SandboxSpec sandbox(Images images, CacheMounts caches, JsonNode params) {
        PipelineRequest p = read(params, PipelineRequest.class);
        SandboxSpec spec = SandboxSpec.image(images.resolve(WorkflowImage.variant(p)))
                .withNetwork(NetworkMode.BRIDGE)
                .withLabels(Map.of(Labels.JOB, NAME));
        if (!p.caches().isEmpty()) {
            List<VolumeMount> volumes = new ArrayList<>();
            for (CacheMount m : caches.mounts()) {
                volumes.add(VolumeMount.of(m.volume(), m.containerPath()));
            }
            spec = spec.withVolumes(volumes);
        }
        if (p.tokenSecret() != null) {
            spec = spec.withSecrets(List.of(p.tokenSecret()));
        }
        return spec;
    }

    /** The run's request, with the workflow's {@code caches} unless it asks for none. */
    static PipelineRequest pipelineRequest(StepContext ctx, CacheMounts caches) {
        PipelineRequest request = parameters(ctx);
        return request.caches().isEmpty() ? request : request.toBuilder().caches(caches).build();
    }

    // ---- the steps ----

    private static StepResult cloneStep(StepContext ctx, CacheMounts caches) {
        return clone(ctx, pipelineRequest(ctx, caches), null, OWN_STEPS);
    }

    /**
     * The {@code clone} step, shared with {@link PipelineSteps}: stores {@code {"startedAt", "outcome"}};
     * when the clone fails, stores the reports (the steps in {@code steps} that did not run listed as
     * skipped) and fails the run.
     */
    static StepResult clone(StepContext ctx, PipelineRequest request, String projectType, List<String> steps) {
        Instant start = ctx.clock().instant();
        ctx.log().info("Cloning " + request.displayRepository() + (request.ref().isEmpty() ? "" : " @ " + request.ref())
                + (request.subdirectory().isEmpty() ? "" : " (project in " + request.subdirectory() + ")"));
        ObjectNode value = JSON.createObjectNode();
        value.put("startedAt", start.toString());
        try {
            CloneStep.Outcome cloned = new PipelineStages(request, Workspace.DEFAULT, ctx.clock()).clone(sandbox(ctx));
            log(ctx, cloned.report());
            value.set("outcome", JSON.valueToTree(cloned));
            return StepResult.success(value);
        } catch (StepException e) {
            log(ctx, e.report());
            return endEarly(ctx, value, e.report(), PipelineStages.started(request, start).projectType(projectType), steps);
        }
    }

    private static StepResult installStep(StepContext ctx, Images images, CacheMounts caches) {
        PipelineRequest request = pipelineRequest(ctx, caches);
        CloneStep.Outcome cloned = outcome(ctx, CloneStep.NAME, CloneStep.Outcome.class);
        PipelineSandbox sandbox = sandbox(ctx);
        InstallStep install = new PipelineStages(request, Workspace.DEFAULT, ctx.clock()).installer();
        Detection detection = install.detect(sandbox, cloned.projectDir());
        ctx.log().info("Detected " + detection.kind().id() + (detection.tool().isEmpty() ? "" : " (" + detection.tool() + ")"));
        detection.notes().forEach(n -> ctx.log().info(n));
        ObjectNode value = JSON.createObjectNode();
        value.set("detection", JSON.valueToTree(detection));
        try {
            InstallStep.Outcome installed = install.run(sandbox, cloned.projectDir(), detection);
            installed.toolchains().forEach(t -> ctx.log().info("Toolchain: " + t.describe()));
            log(ctx, installed.report());
            value.set("outcome", JSON.valueToTree(installed));
            return StepResult.success(value);
        } catch (StepException e) {
            log(ctx, e.report());
            PipelineResult.Builder draft = PipelineStages.detected(afterClone(ctx, request), detection,
                    WorkflowImage.note(images, request, detection), images.resolve(WorkflowImage.variant(request)));
            return endEarly(ctx, value, e.report(), PipelineStages.provisioned(draft, install.toolchains()), OWN_STEPS);
        }
    }

    private static StepResult testStep(StepContext ctx, Images images, CacheMounts caches) {
        PipelineRequest request = pipelineRequest(ctx, caches);
        CloneStep.Outcome cloned = outcome(ctx, CloneStep.NAME, CloneStep.Outcome.class);
        InstallStep.Outcome installed = outcome(ctx, InstallStep.NAME, InstallStep.Outcome.class);
        ObjectNode value = JSON.createObjectNode();
        PipelineResult.Builder draft = afterInstall(ctx, images, request);
        TestStep.Outcome tested;
        try {
            tested = new PipelineStages(request, Workspace.DEFAULT, ctx.clock()).test(sandbox(ctx), cloned.projectDir(), installed);
        } catch (StepException e) {
            log(ctx, e.report());
            return endEarly(ctx, value, e.report(), draft, OWN_STEPS);
        }
        StepReport test = tested.report();
        log(ctx, test);
        ctx.log().info("Tests: " + tested.summary().passed() + " passed, " + tested.summary().failed() + " failed, "
                + tested.summary().skipped() + " skipped, " + tested.summary().errored() + " errored");
        value.set("outcome", JSON.valueToTree(tested));
        if (test.status() == StepStatus.SUCCEEDED) {
            return StepResult.success(value);
        }
        PipelineStages.tested(draft, tested, UnaryOperator.identity());
        String why = test.status() == StepStatus.TIMED_OUT ? test.message()
                : "tests failed: " + tested.summary().failed() + " failed, " + tested.summary().errored() + " errored"
                        + (test.message().isEmpty() ? "" : " (" + test.message() + ")");
        return finish(ctx, value, draft, why);
    }

    private static StepResult reportStep(StepContext ctx, Images images, CacheMounts caches) {
        PipelineRequest request = pipelineRequest(ctx, caches);
        TestStep.Outcome tested = outcome(ctx, TestStep.NAME, TestStep.Outcome.class);
        PipelineResult.Builder draft = PipelineStages.tested(afterInstall(ctx, images, request), tested, UnaryOperator.identity());
        return finish(ctx, JSON.createObjectNode(), draft, null);
    }

    // ---- assembling the result ----

    /**
     * Ends the pipeline at {@code failed}: those of {@code steps} not in {@code draft} are skipped,
     * the reports are stored, the run fails.
     */
    private static StepResult endEarly(StepContext ctx, ObjectNode value, StepReport failed, PipelineResult.Builder draft,
            List<String> steps) {
        PipelineStages.ended(draft, failed, steps);
        value.set("outcome", JSON.valueToTree(failed));
        return finish(ctx, value, draft, failed.name() + " failed: " + failed.message());
    }

    /** Stores the reports as artifacts and the result in the step's value; {@code failure} null for a success. */
    static StepResult finish(StepContext ctx, ObjectNode value, PipelineResult.Builder draft, String failure) {
        PipelineResult done = PipelineStages.finish(draft, (name, content) -> {
            ctx.artifacts().put(name, content);
            return name;
        }, ctx.clock());
        ctx.log().info("Stored " + String.join(", ", done.artifacts().keySet()));
        value.set("result", JSON.valueToTree(done));
        if (failure == null && done.success()) {
            return StepResult.success(value);
        }
        return StepResult.failure(failure != null ? failure : done.failure(), value);
    }

    /** The result so far after the clone step, from its stored outcome. */
    static PipelineResult.Builder afterClone(StepContext ctx, PipelineRequest request) {
        JsonNode clone = ctx.result(CloneStep.NAME);
        CloneStep.Outcome cloned = read(clone.get("outcome"), CloneStep.Outcome.class);
        return PipelineStages.cloned(PipelineStages.started(request, Instant.parse(clone.get("startedAt").asText())), cloned);
    }

    /** The result so far after the install step, from the stored outcomes. */
    private static PipelineResult.Builder afterInstall(StepContext ctx, Images images, PipelineRequest request) {
        JsonNode install = ctx.result(InstallStep.NAME);
        Detection detection = read(install.get("detection"), Detection.class);
        InstallStep.Outcome installed = read(install.get("outcome"), InstallStep.Outcome.class);
        PipelineResult.Builder draft = PipelineStages.detected(afterClone(ctx, request), detection,
                WorkflowImage.note(images, request, detection), images.resolve(WorkflowImage.variant(request)));
        return PipelineStages.installed(PipelineStages.provisioned(draft, installed.toolchains()), installed);
    }

    // ---- helpers ----

    /** The run's request, read from its parameters (as stored by this version or by 0.1). */
    static PipelineRequest parameters(StepContext ctx) {
        return read(ctx.parameters(), PipelineRequest.class);
    }

    static PipelineSandbox sandbox(StepContext ctx) {
        return new SdkPipelineSandbox(ctx.sandbox(Sandbox.class));
    }

    private static <T> T outcome(StepContext ctx, String step, Class<T> type) {
        return read(ctx.result(step).get("outcome"), type);
    }

    static <T> T read(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot read a stored " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** The step's command, verdict and output, line by line, into the run's log. */
    static void log(StepContext ctx, StepReport report) {
        if (!report.command().isEmpty()) {
            ctx.log().info("$ " + report.command());
        }
        int n = 0;
        for (String line : (Iterable<String>) report.output().lines()::iterator) {
            if (n++ >= MAX_LOG_LINES) {
                ctx.log().info("… (output cut; the report has the rest)");
                break;
            }
            ctx.log().stdout(line);
        }
        ctx.log().info(report.name() + " " + report.status().name().toLowerCase(java.util.Locale.ROOT)
                + (report.message().isEmpty() ? "" : ": " + report.message())
                + String.format(java.util.Locale.ROOT, " (%.1f s)", report.duration().toMillis() / 1000.0));
    }
}
