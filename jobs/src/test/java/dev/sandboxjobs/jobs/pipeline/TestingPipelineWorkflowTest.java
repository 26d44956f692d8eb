package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow's parameters and the sandbox they give, without Docker. */
class TestingPipelineWorkflowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestingPipelineWorkflow.Images IMAGES = new TestingPipelineWorkflow.Images("rt:1", "full:1");

    @TempDir
    Path dir;

    private static JsonNode params(Object map) {
        return JSON.valueToTree(map);
    }

    @Test
    void theWorkflowHasTheFourStepsInOrder() {
        Workflow wf = TestingPipelineWorkflow.create(IMAGES);

        assertThat(wf.name()).isEqualTo("testing-pipeline");
        assertThat(wf.steps()).extracting(Step::name).containsExactly("clone", "install", "test", "report");
    }

    @Test
    void validParametersHaveNoProblems() {
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "https://git.example.com/a.git",
                "ref", "main", "testTimeoutSeconds", 60, "cache", false, "image", "full", "tokenSecret", "GIT_TOKEN"))))
                .isEmpty();
        assertThat(TestingPipelineWorkflow.validate(JSON.valueToTree(
                PipelineRequest.builder(dir.toString()).installCommand("").build()))).isEmpty();
    }

    @Test
    void badParametersAreEachExplained() {
        assertThat(TestingPipelineWorkflow.validate(params(Map.of()))).containsExactly("parameter \"repository\" is required");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "x", "colour", "red", "cache", "yes",
                "testTimeoutSeconds", -1, "ref", 3)))).containsExactlyInAnyOrder(
                "unknown parameter \"colour\"", "\"cache\" must be true or false",
                "\"testTimeoutSeconds\" must be a positive whole number of seconds", "\"ref\" must be a string",
                "\"repository\" is neither a git URL (https://, ssh://, git://, file://, user@host:path) nor an existing"
                        + " directory: x");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "https://h/a.git", "cache", 1,
                "testTimeoutSeconds", 1.5, "image", true)))).containsExactlyInAnyOrder(
                "\"cache\" must be true or false", "\"testTimeoutSeconds\" must be a positive whole number of seconds",
                "\"image\" must be a string");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "https://h/a.git", "token", "abc"))))
                .singleElement().asString().contains("never put a secret in the parameters");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "https://user:s3cret@h/a.git"))))
                .singleElement().asString().contains("holds credentials").doesNotContain("s3cret");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", dir.resolve("missing").toString()))))
                .singleElement().asString().contains("nor an existing directory");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "https://h/a.git", "tokenSecret", "$(id)",
                "image", "bad image", "subdirectory", "../up")))).hasSize(3);
    }

    @Test
    void theSandboxFollowsTheImageVariantTheCacheSwitchAndTheTokenSecretName() {
        CacheMounts caches = CacheMounts.withPrefix("p-");

        SandboxSpec defaults = TestingPipelineWorkflow.sandbox(IMAGES, caches, params(Map.of("repository", "r")));
        SandboxSpec full = TestingPipelineWorkflow.sandbox(IMAGES, caches, params(Map.of("repository", "r",
                "image", "full", "cache", false, "tokenSecret", "GIT_TOKEN")));
        SandboxSpec own = TestingPipelineWorkflow.sandbox(IMAGES, caches, params(Map.of("repository", "r",
                "image", "my/image:2")));

        assertThat(defaults.image()).isEqualTo("rt:1");
        assertThat(defaults.network()).isEqualTo(NetworkMode.BRIDGE);
        assertThat(defaults.labels()).containsEntry(Labels.JOB, "testing-pipeline");
        assertThat(defaults.volumes()).extracting(VolumeMount::name).containsExactlyElementsOf(caches.volumeNames());
        assertThat(defaults.secrets()).isEmpty();
        assertThat(full.image()).isEqualTo("full:1");
        assertThat(full.volumes()).isEmpty();
        assertThat(full.secrets()).containsExactly("GIT_TOKEN");
        assertThat(own.image()).isEqualTo("my/image:2");
    }

    @Test
    void theRequestCarriesOnlyTheParametersThatWereSet() {
        JsonNode p = JSON.valueToTree(TestingPipelineWorkflow.request(
                PipelineRequest.builder("r").ref("main").build()).build().parameters());

        assertThat(p.toString()).isEqualTo("{\"repository\":\"r\",\"ref\":\"main\"}");
    }

    @Test
    void parametersStoredBy01AreReadAsARequestAndWrittenBackTheSame() throws Exception {
        String stored = "{\"repository\":\"https://git.example.com/a.git\",\"ref\":\"main\",\"subdirectory\":\"web\","
                + "\"installCommand\":\"\",\"testCommand\":\"npm test\",\"cloneTimeoutSeconds\":60,"
                + "\"installTimeoutSeconds\":120,\"testTimeoutSeconds\":600,\"cache\":false,\"image\":\"full\","
                + "\"tokenSecret\":\"GIT_TOKEN\",\"installAllow\":[\"registry.npmjs.org:443\"],\"testNetwork\":\"open\"}";

        PipelineRequest request = TestingPipelineWorkflow.JSON.readValue(stored, PipelineRequest.class);

        assertThat(request.ref()).isEqualTo("main");
        assertThat(request.subdirectory()).isEqualTo("web");
        assertThat(request.overrides().install()).isEmpty();
        assertThat(request.overrides().test()).isEqualTo("npm test");
        assertThat(request.cloneTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(request.testTimeout()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(request.caches().isEmpty()).isTrue();
        assertThat(request.image()).isEqualTo(PipelineRequest.IMAGE_FULL);
        assertThat(request.tokenSecret()).isEqualTo("GIT_TOKEN");
        assertThat(request.network().installAllow()).containsExactly("registry.npmjs.org:443");
        assertThat(request.network().testNetwork()).isEqualTo(PipelineNetwork.TestNetwork.OPEN);
        assertThat(JSON.readTree(JSON.writeValueAsString(request))).isEqualTo(JSON.readTree(stored));
        assertThat(TestingPipelineWorkflow.validate(JSON.readTree(stored))).isEmpty();
    }

    @Test
    void aDurableRunTakesASecretNameNotATokenValue() {
        PipelineRequest withCredentials = PipelineRequest.builder("https://user:s3cret@h/a.git").build();

        assertThatThrownBy(() -> TestingPipelineWorkflow.request(withCredentials))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenSecret")
                .hasMessageNotContaining("s3cret");
        assertThat(JSON.valueToTree(TestingPipelineWorkflow.request(
                PipelineRequest.builder("https://h/a.git").tokenSecret("GIT_TOKEN").build()).build().parameters()).toString())
                .isEqualTo("{\"repository\":\"https://h/a.git\",\"tokenSecret\":\"GIT_TOKEN\"}");
    }

    @Test
    void thePipelineBuilderChecksTheRequestAsTheWorkflowDoes() throws Exception {
        PipelineRequest bad = PipelineRequest.builder(dir.resolve("missing").toString()).image("bad image")
                .tokenSecret("$(id)").build();

        assertThatThrownBy(() -> TestingPipeline.builder(bad).build()).isInstanceOf(InvalidPipelineException.class)
                .satisfies(e -> assertThat(((InvalidPipelineException) e).problems()).hasSize(3));
        assertThatThrownBy(() -> TestingPipeline.builder(bad).buildUnchecked())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"image\"");

        TestingPipeline good = TestingPipeline.builder(PipelineRequest.builder(dir.toString()).build())
                .token(dev.sandboxjobs.engine.Secret.of("t0ken")).caches(CacheMounts.none()).build();
        assertThat(good.request().token().redact("a t0ken")).isEqualTo("a ****");
        assertThat(good.request().caches().isEmpty()).isTrue();
        assertThat(TestingPipelineWorkflow.problems(good.request())).isEmpty();
    }
}
