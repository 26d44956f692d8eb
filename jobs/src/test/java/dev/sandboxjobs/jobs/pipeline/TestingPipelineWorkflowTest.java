package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                TestingPipelineParameters.builder(dir.toString()).installCommand("").build()))).isEmpty();
    }

    @Test
    void badParametersAreEachExplained() {
        assertThat(TestingPipelineWorkflow.validate(params(Map.of()))).containsExactly("parameter \"repository\" is required");
        assertThat(TestingPipelineWorkflow.validate(params(Map.of("repository", "x", "colour", "red", "cache", "yes",
                "testTimeoutSeconds", -1, "ref", 3)))).containsExactlyInAnyOrder(
                "unknown parameter \"colour\"", "\"cache\" must be true or false",
                "\"testTimeoutSeconds\" must be a positive whole number of seconds", "\"ref\" must be a string");
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
        assertThat(defaults.network()).isEqualTo("bridge");
        assertThat(defaults.labels()).containsEntry(TestingPipeline.SANDBOX_LABEL, "testing-pipeline");
        assertThat(defaults.volumes()).extracting(SandboxSpec.Volume::name).containsExactlyElementsOf(caches.volumeNames());
        assertThat(defaults.secrets()).isEmpty();
        assertThat(full.image()).isEqualTo("full:1");
        assertThat(full.volumes()).isEmpty();
        assertThat(full.secrets()).containsExactly("GIT_TOKEN");
        assertThat(own.image()).isEqualTo("my/image:2");
    }

    @Test
    void theRequestCarriesOnlyTheParametersThatWereSet() {
        JsonNode p = JSON.valueToTree(TestingPipelineWorkflow.request(
                TestingPipelineParameters.builder("r").ref("main").build()).build().parameters());

        assertThat(p.toString()).isEqualTo("{\"repository\":\"r\",\"ref\":\"main\"}");
    }
}
