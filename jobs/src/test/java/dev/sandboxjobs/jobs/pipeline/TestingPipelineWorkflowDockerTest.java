package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.git;
import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.gitRepository;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.results.TestCase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@value TestingPipelineWorkflow#NAME} workflow submitted through {@code JobEngine.over(engine).worker()} on
 * real Docker sandboxes and a real SQLite file, on local git repositories of the Node fixtures
 * (no dependencies: fast).
 */
@RequiresDocker
class TestingPipelineWorkflowDockerTest {
    static final CacheMounts CACHES = CacheMounts.withPrefix("sandbox-jobs-test-pipejob-cache-");

    @TempDir
    Path dataDir;
    @TempDir
    Path tmp;

    private SandboxEngine engine;
    private JobEngine jobEngine;

    private JobsWorker jobs() {
        engine = SandboxEngine.builder().dataDirectory(dataDir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(1L << 30).label("dev.sandboxjobs.owner", "pipejob-tests")
                        .build())
                .build();
        jobEngine = JobEngine.over(engine);
        JobsWorker jobs = jobEngine.worker();
        String image = RuntimeImageForTests.image();
        jobs.register(TestingPipelineWorkflow.create(new TestingPipelineWorkflow.Images(image, image), CACHES));
        jobs.start();
        return jobs;
    }

    @AfterEach
    void closeTheEngine() {
        if (jobEngine != null) {
            jobEngine.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @AfterAll
    static void removeTheTestCaches() {
        for (String volume : CACHES.volumeNames()) {
            PipelineTestSupport.run(List.of("docker", "volume", "rm", "-f", volume));
        }
    }

    /**
     * The run's containers once the engine had a minute to destroy them (it records the run's end
     * just before it destroys the sandbox).
     */
    private static List<String> containersOfRun(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            String out = PipelineTestSupport.run(List.of("docker", "ps", "-aq", "--filter",
                    "label=" + Labels.RUN + "=" + runId)).output().strip();
            if (out.isEmpty() || System.nanoTime() > deadline) {
                return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
            }
            Thread.sleep(200);
        }
    }

    private static String artifact(JobsClient jobs, String runId, String name) {
        return new String(jobs.readArtifact(runId, name), StandardCharsets.UTF_8);
    }

    @Test
    void aPassingRepositorySucceedsWithEveryStepStoredAndTheReportsAsArtifacts() throws Exception {
        JobsWorker jobs = jobs();
        Path repo = gitRepository(tmp, "node-pass", "main");
        String head = git(repo, "rev-parse", "HEAD");

        Run submitted = jobs.submit(TestingPipelineWorkflow.request(
                PipelineRequest.builder(repo.toString()).testTimeout(Duration.ofSeconds(300)).build()).build());
        Run run = jobs.await(submitted.id(), Duration.ofMinutes(5));

        assertThat(run.state()).as("%s", run.failure()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.steps()).extracting(StepRun::name).containsExactly("clone", "install", "test", "report");
        assertThat(run.steps()).extracting(StepRun::state).containsOnly(RunState.SUCCEEDED);
        assertThat(run.step("clone").result().at("/outcome/commit").asText()).isEqualTo(head);
        assertThat(run.step("install").result().at("/detection/kind").asText()).isEqualToIgnoringCase("node");
        assertThat(run.step("test").result().at("/outcome/summary/passed").asInt()).isEqualTo(3);

        PipelineResult result = TestingPipelineWorkflow.result(jobs, run.id()).orElseThrow();
        assertThat(result.success()).isTrue();
        assertThat(result.projectType()).isEqualTo("nodejs");
        assertThat(result.commit()).isEqualTo(head);
        assertThat(result.tests().passed()).isEqualTo(3);
        assertThat(result.tests().failed()).isZero();
        assertThat(result.tests().skipped()).isEqualTo(1);
        assertThat(result.steps()).extracting(StepReport::name).containsExactly("clone", "install", "test", "report");
        assertThat(result.steps()).extracting(StepReport::status).containsOnly(StepStatus.SUCCEEDED);

        assertThat(jobs.artifacts(run.id())).extracting(ArtifactInfo::name)
                .containsExactlyInAnyOrder("report.json", "junit.xml", "report.md", "report.html");
        assertThat(artifact(jobs, run.id(), "report.json")).contains("\"projectType\" : \"nodejs\"")
                .contains("\"passed\" : 3");
        assertThat(artifact(jobs, run.id(), "report.html")).contains("id=\"passed\">3</td>");
        assertThat(artifact(jobs, run.id(), "junit.xml")).contains("<testsuite");
        assertThat(jobs.logs(run.id(), 0, 1000)).extracting(LogLine::text)
                .anyMatch(t -> t.startsWith("Cloning " + repo))
                .anyMatch(t -> t.startsWith("Tests: 3 passed, 0 failed"));

        assertThat(containersOfRun(run.id())).as("containers of the run left behind").isEmpty();
        assertThat(PipelineTestSupport.run(List.of("docker", "volume", "ls", "-q", "--filter",
                "name=" + CACHES.volumeNames().get(0))).output()).as("the cache volumes were mounted (and so created)")
                .contains(CACHES.volumeNames().get(0));
    }

    @Test
    void aFailingTestSuiteFailsTheRunWithTheVerdictWithoutRetryAndStillStoresTheReports() throws Exception {
        JobsWorker jobs = jobs();
        Path repo = gitRepository(tmp, "node-fail", "main");

        Run submitted = jobs.submit(TestingPipelineWorkflow.request(
                PipelineRequest.builder(repo.toString()).noCaches().build()).build());
        Run run = jobs.await(submitted.id(), Duration.ofMinutes(5));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.attempt()).as("a red suite is not retried").isEqualTo(1);
        assertThat(run.failure().type()).isEqualTo("StepResult.failure");
        assertThat(run.failure().retryable()).isFalse();
        assertThat(run.failure().message()).startsWith("tests failed: 1 failed, 0 errored");
        assertThat(run.step("clone").state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.step("install").state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.step("test").state()).isEqualTo(RunState.FAILED);
        assertThat(run.step("report").state()).isNotEqualTo(RunState.SUCCEEDED);

        PipelineResult result = TestingPipelineWorkflow.result(jobs, run.id()).orElseThrow();
        assertThat(result.success()).isFalse();
        assertThat(result.tests().passed()).isEqualTo(2);
        assertThat(result.tests().failed()).isEqualTo(1);
        assertThat(result.tests().failures()).extracting(TestCase::fullName).containsExactly("calc > multiplies");
        assertThat(artifact(jobs, run.id(), "report.md")).contains("multiplies");
        assertThat(artifact(jobs, run.id(), "junit.xml")).contains("multiplies");
        assertThat(artifact(jobs, run.id(), "report.json")).contains("\"failed\" : 1");
        assertThat(containersOfRun(run.id())).as("containers of the run left behind").isEmpty();
    }

    @Test
    void aMissingBranchFailsAtTheCloneWithTheLaterStepsSkippedInTheReport() throws Exception {
        JobsWorker jobs = jobs();
        Path repo = gitRepository(tmp, "node-pass", "main");

        Run run = jobs.await(jobs.submit(TestingPipelineWorkflow.request(PipelineRequest
                .builder(repo.toString()).ref("no-such-branch").noCaches().build()).build()).id(),
                Duration.ofMinutes(5));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.step("clone").state()).isEqualTo(RunState.FAILED);
        assertThat(run.failure().message()).startsWith("clone failed: ").contains("\"no-such-branch\" does not exist");
        PipelineResult result = TestingPipelineWorkflow.result(jobs, run.id()).orElseThrow();
        assertThat(result.steps()).extracting(StepReport::status)
                .containsExactly(StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.SKIPPED, StepStatus.SUCCEEDED);
        assertThat(jobs.artifacts(run.id())).hasSize(4);
        assertThat(containersOfRun(run.id())).isEmpty();
    }

    @Test
    void aSecondEngineOnTheSameDatabaseReadsTheFinishedRunAndItsReports() throws Exception {
        JobsWorker jobs = jobs();
        Path repo = gitRepository(tmp, "node-pass", "main");
        Run run = jobs.await(jobs.submit(TestingPipelineWorkflow.request(
                PipelineRequest.builder(repo.toString()).noCaches().build()).build()).id(),
                Duration.ofMinutes(5));
        assertThat(run.state()).as("%s", run.failure()).isEqualTo(RunState.SUCCEEDED);
        String html = artifact(jobs, run.id(), "report.html");
        jobEngine.close();
        engine.close();

        try (SandboxEngine second = SandboxEngine.builder().dataDirectory(dataDir).image(RuntimeImageForTests.image())
                .build(); JobEngine jobEngine = JobEngine.over(second)) {
            JobsWorker again = jobEngine.worker();
            BuiltInWorkflows.registerAll(again);
            again.start();
            assertThat(again.get(run.id()).state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(artifact(again, run.id(), "report.html")).isEqualTo(html);
            assertThat(TestingPipelineWorkflow.result(again, run.id()).orElseThrow().tests().passed()).isEqualTo(3);
        }
    }
}
