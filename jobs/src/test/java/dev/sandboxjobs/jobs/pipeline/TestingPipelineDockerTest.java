package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.git;
import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.gitRepository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.pipeline.internal.SdkPipelineSandbox;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.results.TestCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pipeline on real git repositories of every kind, in real SDK sandboxes: Node fixtures on
 * the runtime image (it has node and npm), the others on the full image
 * ({@link RuntimeImageForTests#fullImage()}, built by setup when missing; a build failure fails
 * the tests). Each fixture has a passing and a failing variant.
 */
@RequiresDocker
class TestingPipelineDockerTest {

    static final CacheMounts CACHES = CacheMounts.withPrefix("sandbox-jobs-test-pipeline-cache-");

    @TempDir
    static Path engineDir;
    static SandboxEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startTheEngine() {
        engine = SandboxEngine.builder().dataDirectory(engineDir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(3L << 30).label("dev.sandboxjobs.owner", "jobs-tests").build())
                .build();
    }

    @AfterAll
    static void stopTheEngineAndRemoveTheTestCaches() {
        if (engine != null) {
            engine.close();
        }
        for (String volume : CACHES.volumeNames()) {
            PipelineTestSupport.run(List.of("docker", "volume", "rm", "-f", volume));
        }
    }

    @AfterEach
    void noSandboxOrContainerIsLeftBehind() {
        assertThat(engine.listSandboxes()).as("sandboxes left behind").isEmpty();
        var ps = PipelineTestSupport.run(List.of("docker", "ps", "-aq", "--filter",
                "label=" + Labels.ENGINE + "=" + engine.engineId()));
        assertThat(ps.output().strip()).as("containers left behind").isEmpty();
    }

    static String image(String variant) {
        return variant.equals("full") ? RuntimeImageForTests.fullImage() : RuntimeImageForTests.image();
    }

    private PipelineResult run(PipelineRequest request, String variant, NetworkMode network) {
        return new TestingPipeline(request, ArtifactSink.directory(tmp.resolve("artifacts-" + System.nanoTime())))
                .run(engine, SandboxOptions.builder().image(image(variant)).network(network).build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "node-pass;       runtime; nodejs; 3; 0; 1; ''",
        "node-fail;       runtime; nodejs; 2; 1; 1; calc > multiplies",
        "node-deps-pass;  runtime; nodejs; 2; 0; 0; ''",
        "node-deps-fail;  runtime; nodejs; 1; 1; 0; parses days",
        "python-pass;     full;    python; 2; 0; 1; ''",
        "python-fail;     full;    python; 1; 1; 1; test_calc.CalcTest > test_sub",
        "go-pass;         full;    go;     3; 0; 1; ''",
        "go-fail;         full;    go;     2; 1; 1; example.com/calc > TestSub/positive",
        "maven-pass;      full;    maven;  2; 0; 1; ''",
        "maven-fail;      full;    maven;  1; 1; 1; calc.CalcTest > subtracts",
        "rust-pass;       full;    rust;   2; 0; 1; ''",
        "rust-fail;       full;    rust;   1; 1; 1; tests::subtracts",
        "make-pass;       runtime; make;   2; 0; 0; ''",
        "make-fail;       runtime; make;   1; 1; 0; adds",
    })
    void eachKindIsDetectedInstalledTestedAndReported(String fixture, String variant, String kind, int passed,
            int failed, int skipped, String failure) throws Exception {
        Path repo = gitRepository(tmp, fixture, "main");
        String head = git(repo, "rev-parse", "HEAD");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).caches(CACHES)
                .testTimeout(Duration.ofMinutes(5)).build(), variant, NetworkMode.BRIDGE);

        assertThat(r.projectType()).isEqualTo(kind);
        assertThat(r.commit()).isEqualTo(head);
        assertThat(r.tests().passed()).as("passed; failure: %s; output:\n%s\n%s\n%s", r.failure(), r.output(),
                r.errors(), r.steps()).isEqualTo(passed);
        assertThat(r.tests().failed()).isEqualTo(failed);
        assertThat(r.tests().skipped()).isEqualTo(skipped);
        assertThat(r.tests().errored()).isZero();
        assertThat(r.success()).isEqualTo(failed == 0);
        assertThat(r.exitCode() == 0).isEqualTo(failed == 0);
        if (!failure.isEmpty()) {
            assertThat(r.tests().failures()).extracting(TestCase::fullName).containsExactly(failure);
        }
        assertThat(r.toolVersions()).as("the tools' versions").isNotEmpty()
                .allSatisfy((tool, version) -> assertThat(version).doesNotStartWith("not found"));
        if (kind.equals("maven")) { // printed by the install's -V, not asked of a second JVM
            assertThat(r.toolVersions()).containsKeys("maven", "java");
            assertThat(r.toolVersions().get("maven")).startsWith("Apache Maven 3.");
        }
        assertThat(r.artifacts()).containsOnlyKeys("report.json", "junit.xml", "report.md", "report.html");
        String json = Files.readString(Path.of(r.artifacts().get("report.json")));
        assertThat(json).contains("\"projectType\" : \"" + kind + "\"").contains("\"passed\" : " + passed);
        String html = Files.readString(Path.of(r.artifacts().get("report.html")));
        assertThat(html).contains("id=\"passed\">" + passed + "</td>");
        if (!failure.isEmpty()) {
            String name = failure.substring(failure.lastIndexOf(' ') + 1);
            assertThat(Files.readString(Path.of(r.artifacts().get("report.md")))).contains(name);
            assertThat(Files.readString(Path.of(r.artifacts().get("junit.xml")))).contains(name);
        }
    }

    @Test
    void aPipelineTakesAWarmPoolContainerWhenThePoolsSettingsAreItsSandboxsOptionsPlusTheCacheVolumes()
            throws Exception {
        Path repo = gitRepository(tmp, "node-pass", "main");
        SandboxOptions options = SandboxOptions.builder().image(image("runtime")).network(NetworkMode.BRIDGE).build();
        SandboxOptions.Builder like = options.toBuilder(); // as docs/pipeline.md shows it
        CACHES.mounts().forEach(m -> like.volume(m.volume(), m.containerPath()));
        try (SandboxEngine pooled = SandboxEngine.builder().dataDirectory(tmp.resolve("pooled-engine"))
                .image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(3L << 30).label("dev.sandboxjobs.owner", "jobs-tests").build())
                .warmPool(1, like.build()).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pooled.warmPoolReady() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String waiting = PipelineTestSupport.run(List.of("docker", "ps", "-q", "--no-trunc", "--filter",
                    "label=" + Labels.POOL, "--filter", "label=" + Labels.ENGINE + "=" + pooled.engineId())).output().strip();
            assertThat(waiting).as("the pool's container").isNotEmpty().doesNotContain("\n");

            PipelineResult r = new TestingPipeline(PipelineRequest.builder(repo.toString()).caches(CACHES).build(),
                    ArtifactSink.directory(tmp.resolve("artifacts-pooled"))).run(pooled, options);

            assertThat(r.success()).as("%s %s", r.failure(), r.steps()).isTrue();
            assertThat(r.tests().passed()).isEqualTo(3);
            // the pipeline's sandbox was that container: it went with the sandbox (a pool keeps its own)
            assertThat(PipelineTestSupport.run(List.of("docker", "ps", "-aq", "--no-trunc", "--filter", "id=" + waiting))
                    .output().strip()).as("the pooled container after the run").isEmpty();
        }
    }

    @Test
    void aGradleProjectIsDetectedAndTheMissingGradleIsExplained() {
        Path repo = gitRepository(tmp, "gradle-pass", "main");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches().build(), "full", NetworkMode.BRIDGE);

        assertThat(r.projectType()).isEqualTo("gradle");
        assertThat(r.success()).isFalse();
        assertThat(r.failure()).contains("\"gradle\" is not installed in the sandbox image");
    }

    @Test
    void aBranchWithShellMetacharactersIsClonedFromAUrlAsData() throws Exception {
        Path repo = gitRepository(tmp, "node-pass", "main");
        String branch = "feat/$(touch${IFS}pwned);`id`&|x";
        git(repo, "checkout", "--quiet", "-b", branch);
        Files.writeString(repo.resolve("marker.txt"), "on the branch");
        git(repo, "add", "marker.txt");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "--quiet", "-m", "branch");
        String head = git(repo, "rev-parse", "HEAD");
        git(repo, "checkout", "--quiet", "main");
        Path bare = tmp.resolve("remote.git");
        assertThat(PipelineTestSupport.run(List.of("git", "clone", "--quiet", "--bare", repo.toString(),
                bare.toString())).exit()).isZero();

        // a file:// URL names a repository of the host (resolved there, like a directory), not a sandbox path
        PipelineRequest request = PipelineRequest.builder("file://" + bare).ref(branch).noCaches().build();
        PipelineResult r;
        Sandbox sandbox = engine.getSandbox("metacharacters", SandboxOptions.builder().network(NetworkMode.NONE).build());
        try {
            SdkPipelineSandbox adapter = new SdkPipelineSandbox(sandbox);
            r = new TestingPipeline(request, ArtifactSink.directory(tmp.resolve("out"))).run(adapter);
            assertThat(adapter.listFiles("/workspace/repo", 1)).contains("marker.txt").doesNotContain("pwned");
            assertThat(adapter.listFiles("/workspace", 1)).doesNotContain("pwned");
            assertThat(sandbox.exec(List.of("find", "/", "-xdev", "-name", "pwned")).stdout()).isEmpty();
            var depth = adapter.exec(List.of("git", "-C", "/workspace/repo", "rev-list", "--count", "HEAD"),
                    PipelineSandbox.ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
            assertThat(depth.stdout().strip()).as("shallow clone").isEqualTo("1");
        } finally {
            sandbox.destroy();
        }

        assertThat(r.success()).as(r.failure()).isTrue();
        assertThat(r.branch()).isEqualTo(branch);
        assertThat(r.commit()).isEqualTo(head);
    }

    @Test
    void aLocalRepositoryWithARefIsClonedAtThatRef() throws Exception {
        Path repo = gitRepository(tmp, "node-pass", "main");
        String main = git(repo, "rev-parse", "HEAD");
        git(repo, "checkout", "--quiet", "-b", "broken");
        Path test = repo.resolve("test/calc.test.js");
        Files.writeString(test, Files.readString(test).replace("calc.add(2, 3), 5", "calc.add(2, 3), 500"));
        git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "--quiet", "-am", "break");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).ref("main").noCaches().build(), "runtime",
                NetworkMode.NONE);

        assertThat(r.success()).as(r.failure()).isTrue();
        assertThat(r.commit()).isEqualTo(main);
    }

    @Test
    void aMissingBranchAndAnUnreachableUrlAreReportedNotThrown() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult missing = run(PipelineRequest.builder(repo.toString()).ref("no-such-branch").noCaches().build(),
                "runtime", NetworkMode.NONE);
        PipelineResult unreachable = run(PipelineRequest.builder("https://git.invalid/x.git").noCaches()
                .cloneTimeout(Duration.ofSeconds(60)).build(), "runtime", NetworkMode.NONE);

        assertThat(missing.failure()).contains("\"no-such-branch\" does not exist");
        assertThat(missing.step("test").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(unreachable.failure()).contains("https://git.invalid/x.git cannot be reached");
    }

    @Test
    void aWorkingCopyIsTestedWithItsUncommittedChanges() throws Exception {
        Path repo = gitRepository(tmp, "node-pass", "main");
        // break a test without committing: the pipeline must see it
        Path test = repo.resolve("test/calc.test.js");
        Files.writeString(test, Files.readString(test).replace("calc.add(2, 3), 5", "calc.add(2, 3), 500"));

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches().build(), "runtime", NetworkMode.NONE);

        assertThat(r.success()).isFalse();
        assertThat(r.notes()).contains("the working copy's uncommitted changes were included");
        assertThat(r.tests().failures()).extracting(TestCase::name).containsExactly("adds");
    }

    @Test
    void anUnknownProjectIsReportedWithItsReason() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("docs-only"));
        Files.writeString(dir.resolve("README.md"), "just docs");

        PipelineResult r = run(PipelineRequest.builder(dir.toString()).noCaches().build(), "runtime", NetworkMode.NONE);

        assertThat(r.projectType()).isEqualTo("unknown");
        assertThat(r.failure()).contains("unknown project: no known build file");
        assertThat(r.commit()).isEmpty();
        assertThat(Files.readString(Path.of(r.artifacts().get("report.md")))).contains("Pipeline failed");
    }

    @Test
    void aHangingTestIsKilledAtTheTimeoutAndTheSandboxIsDestroyed() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches()
                .testCommand("echo started; sleep 600").testTimeout(Duration.ofSeconds(3)).build(), "runtime",
                NetworkMode.NONE);

        assertThat(r.step("test").orElseThrow().status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(r.success()).isFalse();
        assertThat(r.failure()).contains("did not finish within");
        assertThat(r.output()).contains("started");
    }

    @Test
    void theSandboxIsDestroyedWhenAnInfrastructureFaultPropagates() throws Exception {
        Path repo = gitRepository(tmp, "node-pass", "main");
        // the container is killed from outside while the tests run: a fault, not a test result
        Thread killer = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                String id = PipelineTestSupport.run(List.of("docker", "ps", "-q", "--filter",
                        "label=" + Labels.ENGINE + "=" + engine.engineId(), "--filter",
                        "label=" + Labels.JOB + "=testing-pipeline")).output().strip();
                if (!id.isEmpty() && PipelineTestSupport.run(List.of("docker", "top", id)).output().contains("sleep 120")) {
                    PipelineTestSupport.run(List.of("docker", "kill", id));
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        killer.start();

        try {
            assertThatThrownBy(() -> run(PipelineRequest.builder(repo.toString()).noCaches().testCommand("sleep 120")
                    .build(), "runtime", NetworkMode.NONE))
                    .isInstanceOf(dev.sandboxjobs.engine.SandboxException.class)
                    .hasMessageContaining("stopped while");
        } finally {
            killer.interrupt();
            killer.join();
        }
        // noSandboxOrContainerIsLeftBehind checks that the sandbox was destroyed all the same
    }

    @Test
    void giganticOutputIsCapped() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches()
                .testCommand("head -c 20000000 /dev/zero | tr '\\0' x; echo; echo done").build(), "runtime",
                NetworkMode.NONE);

        assertThat(r.output().length()).isLessThan(PipelineResult.MAX_OUTPUT + 200);
        assertThat(r.output()).contains("characters cut");
    }

    @Test
    void aDaemonTheTestsLeaveRunningDoesNotHoldTheStepUntilItsTimeout() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches()
                .testCommand("sleep 100000 & echo 'ok 1 - started a daemon'; echo 1..1")
                .testTimeout(Duration.ofMinutes(3)).build(), "runtime", NetworkMode.NONE);

        assertThat(r.step("test").orElseThrow().status()).as(r.headline()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.tests().passed()).isEqualTo(1);
        // noSandboxOrContainerIsLeftBehind: the daemon went with the sandbox
    }

    @Test
    void aFloodOfOutputKeepsItsEndWhereTheResultsAre() {
        // 1 GiB: the test command writes to a file in the sandbox and only its head and tail are read
        // back (measured: test step 5.3 s, the test JVM's peak RSS 326 MB, against 3.3 s and 350 MB at 60 MB)
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = run(PipelineRequest.builder(repo.toString()).noCaches()
                .testCommand("head -c 1073741824 /dev/zero | tr '\\0' x; echo; echo 'ok 1 - after the flood'; echo 1..1")
                .build(), "runtime", NetworkMode.NONE);

        assertThat(r.tests().passed()).as(r.headline()).isEqualTo(1);
        assertThat(r.success()).isTrue();
        assertThat(r.output()).contains("cut").endsWith("1..1\n");
        assertThat(r.output().length()).isLessThan(PipelineResult.MAX_OUTPUT + 200);
    }

    @Test
    void aLockfileOutOfSyncAndARepositoryWithNoTestsEndWithAClearReport() throws Exception {
        Path repo = gitRepository(tmp, "node-deps-pass", "main");
        Files.writeString(repo.resolve("package-lock.json"), "{\"name\":\"x\",\"version\":\"1.0.0\",\"lockfileVersion\":3,"
                + "\"requires\":true,\"packages\":{\"\":{\"name\":\"x\",\"version\":\"1.0.0\"}}}\n");
        Path empty = gitRepository(tmp, "node-pass", "main");
        git(empty, "rm", "-r", "--quiet", "test");
        git(empty, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "--quiet", "-m", "no tests");

        PipelineResult outOfSync = run(PipelineRequest.builder(repo.toString()).noCaches().build(), "runtime",
                NetworkMode.BRIDGE);
        PipelineResult noTests = run(PipelineRequest.builder(empty.toString()).noCaches().build(), "runtime",
                NetworkMode.NONE);

        assertThat(outOfSync.failure()).contains("install failed").contains("lockfile is out of sync");
        assertThat(outOfSync.step("install").orElseThrow().output()).isNotEmpty();
        assertThat(outOfSync.artifacts()).containsKey("report.html");
        assertThat(noTests.tests().passed()).isZero();
        assertThat(noTests.headline()).as("never \"0 tests\"").doesNotContain("0 passed")
                .satisfiesAnyOf(h -> assertThat(h).startsWith("PASSED, test counts unavailable"),
                        h -> assertThat(h).startsWith("FAILED ("));
    }

    @Test
    void theSecondRunOfAProjectWithDependenciesInstallsFromTheCacheWithoutANetwork() {
        Path repo = gitRepository(tmp, "node-deps-pass", "main");

        PipelineResult first = run(PipelineRequest.builder(repo.toString()).caches(CACHES).build(), "runtime",
                NetworkMode.BRIDGE);
        PipelineResult second = run(PipelineRequest.builder(repo.toString()).caches(CACHES).build(), "runtime",
                NetworkMode.NONE);
        PipelineResult uncached = run(PipelineRequest.builder(repo.toString()).noCaches().build(), "runtime",
                NetworkMode.NONE);

        assertThat(first.success()).as(first.failure()).isTrue();
        assertThat(second.success()).as("offline run with the cache: %s", second.failure()).isTrue();
        assertThat(second.tests().passed()).isEqualTo(2);
        assertThat(uncached.success()).isFalse();
        assertThat(uncached.failure()).startsWith("install failed: npm ci");
    }
}
