package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.engine.workflow.Jobs;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The testing pipeline as a durable workflow of the job engine, named {@value #NAME}: steps
 * {@code clone → install → test → report} in one per-run sandbox, each persisted with its result.
 *
 * <pre>{@code
 * try (SandboxEngine engine = SandboxEngine.create()) {
 *     Jobs jobs = engine.jobs();
 *     BuiltInWorkflows.registerAll(jobs);                 // registers TestingPipelineWorkflow.create()
 *     jobs.start();
 *     Run run = jobs.submit(TestingPipelineWorkflow.request(
 *             TestingPipelineParameters.builder("https://git.example.com/app.git").ref("main").build()).build());
 *     jobs.await(run.id(), Duration.ofMinutes(60));
 *     PipelineResult result = TestingPipelineWorkflow.result(jobs, run.id()).orElseThrow();
 *     byte[] html = jobs.readArtifact(run.id(), "report.html");
 * }
 * }</pre>
 *
 * <ul>
 * <li>Parameters ({@link TestingPipelineParameters}) are checked when the run is submitted; a
 *     bad one is refused with {@code INVALID_PARAMETERS}. A token is given as a secret NAME,
 *     resolved by the engine's {@code SecretResolver} when the sandbox is created, and is never in
 *     the parameters, the database, the logs or the reports.</li>
 * <li>The sandbox follows the parameters: the image variant, the cache volumes (unless
 *     {@code cache} is false), bridge networking, label {@value TestingPipeline#SANDBOX_LABEL}.</li>
 * <li>Each step stores its outcome as JSON ({@code {"outcome": …}}); the step that ends the
 *     pipeline — {@code report}, or an earlier one that failed — also stores the whole
 *     {@link PipelineResult} under {@code "result"} and the artifacts {@code report.json},
 *     {@code junit.xml}, {@code report.md}, {@code report.html} ({@link Jobs#readArtifact}).</li>
 * <li>A red test suite, a repository that cannot be cloned, a failing install and a test step
 *     timeout are {@link StepResult#failure failed results}: the run is {@code FAILED}, with no
 *     retry. Infrastructure faults (Docker, a lost sandbox) propagate and are retried in a new
 *     sandbox ({@link RetryPolicy#attempts(int) 2 attempts}).</li>
 * </ul>
 */
public final class TestingPipelineWorkflow {
    /** The workflow's name. */
    public static final String NAME = "testing-pipeline";

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    private static final Set<String> TEXT_FIELDS = Set.of("repository", "ref", "subdirectory", "installCommand",
            "testCommand", "image", "tokenSecret");
    private static final Set<String> INT_FIELDS = Set.of("cloneTimeoutSeconds", "installTimeoutSeconds",
            "testTimeoutSeconds");
    private static final int MAX_LOG_LINES = 2_000;
    private static final List<String> OWN_STEPS = List.of(CloneStep.NAME, InstallStep.NAME, TestStep.NAME);

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
            if (image == null || image.isEmpty() || image.equals(TestingPipelineParameters.IMAGE_RUNTIME)) {
                return runtime;
            }
            return image.equals(TestingPipelineParameters.IMAGE_FULL) ? full : image;
        }
    }

    /** The workflow with the default images; see {@link #create(Images)}. */
    public static Workflow create() {
        return create(Images.defaults());
    }

    /** The workflow, running in {@code images} with the default caches; register it with {@link Jobs#register}. */
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
                .step(Step.of(InstallStep.NAME, ctx -> installStep(ctx, caches)))
                .step(Step.of(TestStep.NAME, ctx -> testStep(ctx, caches)))
                .step(Step.of(ReportStep.NAME, ctx -> reportStep(ctx, caches)))
                .build();
    }

    /** A request to run the workflow with {@code parameters}; add labels, a timeout… and build it. */
    public static RunRequest.Builder request(TestingPipelineParameters parameters) {
        return RunRequest.of(NAME).parameters(JSON.valueToTree(parameters));
    }

    /**
     * The pipeline's result as the step that ended it stored it, or empty when no step got that far
     * (the run is queued, running, or ended by a fault, a timeout or a cancellation).
     */
    public static Optional<PipelineResult> result(Jobs jobs, String runId) {
        return result(jobs.get(runId));
    }

    /** The pipeline's result stored in {@code run}'s steps, if any; see {@link #result(Jobs, String)}. */
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

    /** The parameters' problems, empty when they are valid (called by the engine at submit). */
    public static List<String> validate(JsonNode params) {
        List<String> problems = new ArrayList<>();
        if (params == null || !params.isObject()) {
            return List.of("the parameters must be a JSON object with at least \"repository\"");
        }
        params.fieldNames().forEachRemaining(name -> {
            JsonNode v = params.get(name);
            if (v.isNull()) {
                return;
            }
            if (TEXT_FIELDS.contains(name)) {
                if (!v.isTextual()) {
                    problems.add("\"" + name + "\" must be a string");
                }
            } else if (INT_FIELDS.contains(name)) {
                if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
                    problems.add("\"" + name + "\" must be a positive whole number of seconds");
                }
            } else if (name.equals("cache")) {
                if (!v.isBoolean()) {
                    problems.add("\"cache\" must be true or false");
                }
            } else if (name.equals("token") || name.equals("password")) {
                problems.add("\"" + name + "\" is not a parameter: never put a secret in the parameters; give the"
                        + " NAME of a secret as \"tokenSecret\"");
            } else {
                problems.add("unknown parameter \"" + name + "\"");
            }
        });
        if (!params.hasNonNull("repository")) {
            problems.add("parameter \"repository\" is required");
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        TestingPipelineParameters p = read(params, TestingPipelineParameters.class);
        try {
            PipelineRequest request = pipelineRequest(p, CacheMounts.none());
            if (request.token() != null) {
                problems.add("the repository URL holds credentials: remove them and give the NAME of a secret"
                        + " holding the token as \"tokenSecret\"");
            }
            if (request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY
                    && !Files.isDirectory(Path.of(request.repository()))) {
                problems.add("\"repository\" is neither a git URL (https://, ssh://, git://, file://, user@host:path)"
                        + " nor an existing directory: " + request.repository());
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (p.tokenSecret() != null && !VARIABLE.matcher(p.tokenSecret()).matches()) {
            problems.add("\"tokenSecret\" must be a secret name (letters, digits, _), not " + p.tokenSecret());
        }
        if (p.image() != null && !IMAGE.matcher(p.image()).matches()) {
            problems.add("\"image\" must be \"runtime\", \"full\" or an image reference, not " + p.image());
        }
        return problems;
    }

    /** The run's sandbox: the image variant, caches as volumes, the token secret, network for clones and installs. */
    static SandboxSpec sandbox(Images images, CacheMounts caches, JsonNode params) {
        TestingPipelineParameters p = read(params, TestingPipelineParameters.class);
        SandboxSpec spec = SandboxSpec.image(images.resolve(p.image()))
                .withNetwork("bridge")
                .withLabels(Map.of(TestingPipeline.SANDBOX_LABEL, NAME));
        if (p.useCache()) {
            List<SandboxSpec.Volume> volumes = new ArrayList<>();
            for (CacheMount m : caches.mounts()) {
                volumes.add(new SandboxSpec.Volume(m.volume(), m.containerPath()));
            }
            spec = spec.withVolumes(volumes);
        }
        if (p.tokenSecret() != null) {
            spec = spec.withSecrets(List.of(p.tokenSecret()));
        }
        return spec;
    }

    /** The pipeline request the parameters describe (no token: that is a secret of the sandbox). */
    static PipelineRequest pipelineRequest(TestingPipelineParameters p, CacheMounts caches) {
        PipelineRequest.Builder b = PipelineRequest.builder(p.repository()).ref(p.ref()).subdirectory(p.subdirectory());
        if (p.installCommand() != null) {
            b.installCommand(p.installCommand());
        }
        if (p.testCommand() != null) {
            b.testCommand(p.testCommand());
        }
        if (p.cloneTimeoutSeconds() != null) {
            b.cloneTimeout(Duration.ofSeconds(p.cloneTimeoutSeconds()));
        }
        if (p.installTimeoutSeconds() != null) {
            b.installTimeout(Duration.ofSeconds(p.installTimeoutSeconds()));
        }
        if (p.testTimeoutSeconds() != null) {
            b.testTimeout(Duration.ofSeconds(p.testTimeoutSeconds()));
        }
        b.caches(p.useCache() ? caches : CacheMounts.none());
        return b.build();
    }

    // ---- the steps ----

    private static StepResult cloneStep(StepContext ctx, CacheMounts caches) {
        TestingPipelineParameters p = parameters(ctx);
        return clone(ctx, pipelineRequest(p, caches), p.tokenSecret(), null,
                List.of(CloneStep.NAME, InstallStep.NAME, TestStep.NAME));
    }

    /**
     * The {@code clone} step, shared with {@link PipelineSteps}: stores {@code {"startedAt", "outcome"}};
     * when the clone fails, stores the reports (the steps in {@code steps} that did not run listed as
     * skipped) and fails the run.
     */
    static StepResult clone(StepContext ctx, PipelineRequest request, String tokenSecret, String projectType,
            List<String> steps) {
        Instant start = ctx.clock().instant();
        ctx.log().info("Cloning " + request.displayRepository() + (request.ref().isEmpty() ? "" : " @ " + request.ref())
                + (request.subdirectory().isEmpty() ? "" : " (project in " + request.subdirectory() + ")"));
        ObjectNode value = JSON.createObjectNode();
        value.put("startedAt", start.toString());
        try {
            CloneStep.Outcome cloned = new CloneStep(request, Workspace.DEFAULT, ctx.clock(), tokenSecret)
                    .run(sandbox(ctx));
            log(ctx, cloned.report());
            value.set("outcome", JSON.valueToTree(cloned));
            return StepResult.success(value);
        } catch (StepException e) {
            log(ctx, e.report());
            return endEarly(ctx, value, e.report(), draft(request, start).projectType(projectType), steps);
        }
    }

    private static StepResult installStep(StepContext ctx, CacheMounts caches) {
        PipelineRequest request = pipelineRequest(parameters(ctx), caches);
        CloneStep.Outcome cloned = outcome(ctx, CloneStep.NAME, CloneStep.Outcome.class);
        PipelineSandbox sandbox = sandbox(ctx);
        InstallStep install = new InstallStep(request, Workspace.DEFAULT, ctx.clock());
        Detection detection = install.detect(sandbox, cloned.projectDir());
        ctx.log().info("Detected " + detection.kind().id() + (detection.tool().isEmpty() ? "" : " (" + detection.tool() + ")"));
        detection.notes().forEach(n -> ctx.log().info(n));
        ObjectNode value = JSON.createObjectNode();
        value.set("detection", JSON.valueToTree(detection));
        try {
            InstallStep.Outcome installed = install.run(sandbox, cloned.projectDir(), detection);
            log(ctx, installed.report());
            value.set("outcome", JSON.valueToTree(installed));
            return StepResult.success(value);
        } catch (StepException e) {
            log(ctx, e.report());
            return endEarly(ctx, value, e.report(), afterClone(ctx, request).projectType(detection.kind().id())
                    .tool(detection.tool()).notes(withNotes(ctx, request, detection)), OWN_STEPS);
        }
    }

    private static StepResult testStep(StepContext ctx, CacheMounts caches) {
        PipelineRequest request = pipelineRequest(parameters(ctx), caches);
        CloneStep.Outcome cloned = outcome(ctx, CloneStep.NAME, CloneStep.Outcome.class);
        InstallStep.Outcome installed = outcome(ctx, InstallStep.NAME, InstallStep.Outcome.class);
        ObjectNode value = JSON.createObjectNode();
        PipelineResult.Builder draft = afterInstall(ctx, request);
        TestStep.Outcome tested;
        try {
            tested = new TestStep(request, Workspace.DEFAULT, ctx.clock())
                    .run(sandbox(ctx), cloned.projectDir(), installed.detection(), installed.env());
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
        draft.step(test).tests(tested.summary()).exitCode(tested.result().exitCode())
                .output(tested.result().stdout()).errors(tested.result().stderr()).success(false);
        if (test.status() == StepStatus.TIMED_OUT) {
            draft.failure(test.message());
        }
        String why = test.status() == StepStatus.TIMED_OUT ? test.message()
                : "tests failed: " + tested.summary().failed() + " failed, " + tested.summary().errored() + " errored"
                        + (test.message().isEmpty() ? "" : " (" + test.message() + ")");
        return finish(ctx, value, draft, why);
    }

    private static StepResult reportStep(StepContext ctx, CacheMounts caches) {
        PipelineRequest request = pipelineRequest(parameters(ctx), caches);
        TestStep.Outcome tested = outcome(ctx, TestStep.NAME, TestStep.Outcome.class);
        PipelineResult.Builder draft = afterInstall(ctx, request).step(tested.report()).tests(tested.summary())
                .exitCode(tested.result().exitCode()).output(tested.result().stdout())
                .errors(tested.result().stderr()).success(true);
        return finish(ctx, JSON.createObjectNode(), draft, null);
    }

    // ---- assembling the result ----

    /**
     * Ends the pipeline at {@code failed}: those of {@code steps} not in {@code draft} are skipped,
     * the reports are stored, the run fails.
     */
    private static StepResult endEarly(StepContext ctx, ObjectNode value, StepReport failed, PipelineResult.Builder draft,
            List<String> steps) {
        draft.step(failed).success(false).failure(failed.name() + " failed: " + failed.message());
        for (String later : steps) {
            if (draft.build().step(later).isEmpty()) {
                draft.step(StepReport.skipped(later, failed.name() + " failed"));
            }
        }
        value.set("outcome", JSON.valueToTree(failed));
        return finish(ctx, value, draft, failed.name() + " failed: " + failed.message());
    }

    /** Stores the reports as artifacts and the result in the step's value; {@code failure} null for a success. */
    static StepResult finish(StepContext ctx, ObjectNode value, PipelineResult.Builder draft, String failure) {
        PipelineResult built = draft.build();
        PipelineResult done = new ReportStep((name, content) -> {
            ctx.artifacts().put(name, content);
            return name;
        }, ctx.clock()).run(draft.duration(Duration.between(built.startedAt(), ctx.clock().instant())).build());
        ctx.log().info("Stored " + String.join(", ", done.artifacts().keySet()));
        value.set("result", JSON.valueToTree(done));
        if (failure == null && done.success()) {
            return StepResult.success(value);
        }
        return StepResult.failure(failure != null ? failure : done.failure(), value);
    }

    private static PipelineResult.Builder draft(PipelineRequest request, Instant start) {
        return PipelineResult.builder().repository(request.displayRepository()).branch(request.ref())
                .subdirectory(request.subdirectory()).startedAt(start);
    }

    static PipelineResult.Builder afterClone(StepContext ctx, PipelineRequest request) {
        JsonNode clone = ctx.result(CloneStep.NAME);
        CloneStep.Outcome cloned = read(clone.get("outcome"), CloneStep.Outcome.class);
        PipelineResult.Builder b = draft(request, Instant.parse(clone.get("startedAt").asText()))
                .step(cloned.report()).commit(cloned.commit());
        if (cloned.dirty()) {
            b.note("the working copy's uncommitted changes were included");
        }
        return b;
    }

    private static List<String> withNotes(StepContext ctx, PipelineRequest request, Detection detection) {
        List<String> notes = new ArrayList<>(afterClone(ctx, request).build().notes());
        notes.addAll(detection.notes());
        return notes;
    }

    private static PipelineResult.Builder afterInstall(StepContext ctx, PipelineRequest request) {
        JsonNode install = ctx.result(InstallStep.NAME);
        Detection detection = read(install.get("detection"), Detection.class);
        InstallStep.Outcome installed = read(install.get("outcome"), InstallStep.Outcome.class);
        return afterClone(ctx, request).projectType(detection.kind().id()).tool(detection.tool())
                .notes(withNotes(ctx, request, detection)).step(installed.report());
    }

    // ---- helpers ----

    static TestingPipelineParameters parameters(StepContext ctx) {
        return read(ctx.parameters(), TestingPipelineParameters.class);
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
