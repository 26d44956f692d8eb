package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.jobs.cache.CacheMount;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.results.TestCase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pipeline on real git repositories of every kind, in real containers of the
 * runtime-full image, through the docker CLI stand-in adapter. Each fixture has a passing
 * and a failing variant.
 */
@RequiresDocker
class TestingPipelineDockerTest {

    static final String IMAGE = System.getProperty("sandboxjobs.fullImage", "sandbox-jobs/runtime-full:0.1.0-SNAPSHOT");
    static final CacheMounts CACHES = CacheMounts.withPrefix("sandbox-jobs-test-pipeline-cache-");

    @TempDir
    Path tmp;

    @BeforeAll
    static void imageIsBuilt() {
        var r = DockerCliSandbox.run(List.of("docker", "image", "inspect", IMAGE), Map.of(), null, Duration.ofSeconds(30));
        assumeTrue(r.exit() == 0, "the image " + IMAGE + " is not built: docker build -t " + IMAGE
                + " --build-arg RUNTIME_IMAGE=<runtime image> runtime-image/full");
    }

    @AfterAll
    static void removeTestCacheVolumes() {
        for (String volume : CACHES.volumeNames()) {
            DockerCliSandbox.run(List.of("docker", "volume", "rm", "-f", volume), Map.of(), null, Duration.ofSeconds(30));
        }
    }

    static Path fixture(String name) {
        try {
            return Path.of(TestingPipelineDockerTest.class.getResource("/projects/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a fixture and commits it as a new git repository; returns its path. */
    static Path gitRepository(Path parent, String fixture, String branch) {
        Path repo = parent.resolve(fixture);
        try (Stream<Path> files = Files.walk(fixture(fixture))) {
            for (Path from : files.toList()) {
                Path to = repo.resolve(fixture(fixture).relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(repo, "init", "--quiet", "--initial-branch=" + branch);
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "fixture");
        return repo;
    }

    static String git(Path dir, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        var r = DockerCliSandbox.run(argv, Map.of(), null, Duration.ofMinutes(1));
        assertThat(r.exit()).as("git %s: %s", List.of(args), r.stderr()).isZero();
        return r.stdout().strip();
    }

    private Map<String, String> volumes(CacheMounts caches) {
        Map<String, String> v = new LinkedHashMap<>();
        for (CacheMount m : caches.mounts()) {
            v.put(m.volume(), m.containerPath());
        }
        return v;
    }

    private PipelineResult runInContainer(PipelineRequest request, String network) {
        String containerId;
        PipelineResult result;
        try (DockerCliSandbox sandbox = new DockerCliSandbox(IMAGE, volumes(request.caches()), network)) {
            containerId = sandbox.containerId;
            result = new TestingPipeline(request, ArtifactSink.directory(tmp.resolve("artifacts-" + containerId)))
                    .run(sandbox);
        }
        var ps = DockerCliSandbox.run(List.of("docker", "ps", "-aq", "--no-trunc", "--filter", "id=" + containerId),
                Map.of(), null, Duration.ofSeconds(30));
        assertThat(ps.stdout().strip()).as("container left behind").isEmpty();
        return result;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "node-pass;       nodejs; 3; 0; 1; ''",
        "node-fail;       nodejs; 2; 1; 1; calc > multiplies",
        "node-deps-pass;  nodejs; 2; 0; 0; ''",
        "node-deps-fail;  nodejs; 1; 1; 0; parses days",
        "python-pass;     python; 2; 0; 1; ''",
        "python-fail;     python; 1; 1; 1; test_calc.CalcTest > test_sub",
        "go-pass;         go;     3; 0; 1; ''",
        "go-fail;         go;     2; 1; 1; example.com/calc > TestSub/positive",
        "maven-pass;      maven;  2; 0; 1; ''",
        "maven-fail;      maven;  1; 1; 1; calc.CalcTest > subtracts",
        "rust-pass;       rust;   2; 0; 1; ''",
        "rust-fail;       rust;   1; 1; 1; tests::subtracts",
        "make-pass;       make;   2; 0; 0; ''",
        "make-fail;       make;   1; 1; 0; adds",
    })
    void eachKindIsDetectedInstalledTestedAndReported(String fixture, String kind, int passed, int failed, int skipped,
            String failure) throws Exception {
        Path repo = gitRepository(tmp, fixture, "main");
        String head = git(repo, "rev-parse", "HEAD");

        PipelineResult r = runInContainer(PipelineRequest.builder(repo.toString()).caches(CACHES)
                .testTimeout(Duration.ofMinutes(5)).build(), "bridge");

        assertThat(r.projectType()).isEqualTo(kind);
        assertThat(r.commit()).isEqualTo(head);
        assertThat(r.tests().passed()).as("passed; output:\n%s\n%s\n%s", r.output(), r.errors(), r.steps())
                .isEqualTo(passed);
        assertThat(r.tests().failed()).isEqualTo(failed);
        assertThat(r.tests().skipped()).isEqualTo(skipped);
        assertThat(r.tests().errored()).isZero();
        assertThat(r.success()).isEqualTo(failed == 0);
        assertThat(r.exitCode() == 0).isEqualTo(failed == 0);
        if (!failure.isEmpty()) {
            assertThat(r.tests().failures()).extracting(TestCase::fullName).containsExactly(failure);
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
    void aGradleProjectIsDetectedAndTheMissingGradleIsExplained() {
        Path repo = gitRepository(tmp, "gradle-pass", "main");

        PipelineResult r = runInContainer(PipelineRequest.builder(repo.toString()).noCaches().build(), "bridge");

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
        var clone = DockerCliSandbox.run(List.of("git", "clone", "--quiet", "--bare", repo.toString(), bare.toString()),
                Map.of(), null, Duration.ofMinutes(1));
        assertThat(clone.exit()).isZero();

        PipelineRequest request = PipelineRequest.builder("file:///tmp/remote.git").ref(branch).noCaches().build();
        PipelineResult r;
        try (DockerCliSandbox sandbox = new DockerCliSandbox(IMAGE, Map.of(), "none")) {
            sandbox.copyIn(bare, "/tmp/remote.git");
            r = new TestingPipeline(request, ArtifactSink.directory(tmp.resolve("out"))).run(sandbox);
            assertThat(sandbox.listFiles("/workspace/repo", 1)).contains("marker.txt").doesNotContain("pwned");
            assertThat(sandbox.listFiles("/workspace", 1)).doesNotContain("pwned");
            var depth = sandbox.exec(List.of("git", "-C", "/workspace/repo", "rev-list", "--count", "HEAD"),
                    PipelineSandbox.ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
            assertThat(depth.stdout().strip()).as("shallow clone").isEqualTo("1");
        }

        assertThat(r.success()).as(r.failure()).isTrue();
        assertThat(r.branch()).isEqualTo(branch);
        assertThat(r.commit()).isEqualTo(head);
    }

    @Test
    void aMissingBranchAndAnUnreachableUrlAreReportedNotThrown() {
        PipelineResult missing;
        PipelineResult unreachable;
        Path repo = gitRepository(tmp, "node-pass", "main");
        Path bare = tmp.resolve("remote.git");
        DockerCliSandbox.run(List.of("git", "clone", "--quiet", "--bare", repo.toString(), bare.toString()),
                Map.of(), null, Duration.ofMinutes(1));
        try (DockerCliSandbox sandbox = new DockerCliSandbox(IMAGE, Map.of(), "none")) {
            sandbox.copyIn(bare, "/tmp/remote.git");
            missing = new TestingPipeline(PipelineRequest.builder("file:///tmp/remote.git").ref("no-such-branch")
                    .noCaches().build(), ArtifactSink.directory(tmp.resolve("a"))).run(sandbox);
        }
        try (DockerCliSandbox sandbox = new DockerCliSandbox(IMAGE, Map.of(), "none")) {
            unreachable = new TestingPipeline(PipelineRequest.builder("https://git.invalid/x.git").noCaches()
                    .cloneTimeout(Duration.ofSeconds(60)).build(), ArtifactSink.directory(tmp.resolve("b"))).run(sandbox);
        }

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

        PipelineResult r = runInContainer(PipelineRequest.builder(repo.toString()).noCaches().build(), "none");

        assertThat(r.success()).isFalse();
        assertThat(r.notes()).contains("the working copy's uncommitted changes were included");
        assertThat(r.tests().failures()).extracting(TestCase::name).containsExactly("adds");
    }

    @Test
    void anUnknownProjectIsReportedWithItsReason() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("docs-only"));
        Files.writeString(dir.resolve("README.md"), "just docs");

        PipelineResult r = runInContainer(PipelineRequest.builder(dir.toString()).noCaches().build(), "none");

        assertThat(r.projectType()).isEqualTo("unknown");
        assertThat(r.failure()).contains("unknown project: no known build file");
        assertThat(r.commit()).isEmpty();
        assertThat(Files.readString(Path.of(r.artifacts().get("report.md")))).contains("Pipeline failed");
    }

    @Test
    void aHangingTestIsKilledAtTheTimeoutAndTheContainerIsRemoved() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = runInContainer(PipelineRequest.builder(repo.toString()).noCaches()
                .testCommand("echo started; sleep 600").testTimeout(Duration.ofSeconds(3)).build(), "none");

        assertThat(r.step("test").orElseThrow().status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(r.success()).isFalse();
    }

    @Test
    void giganticOutputIsCapped() {
        Path repo = gitRepository(tmp, "node-pass", "main");

        PipelineResult r = runInContainer(PipelineRequest.builder(repo.toString()).noCaches()
                .testCommand("head -c 20000000 /dev/zero | tr '\\0' x; echo; echo done").build(), "none");

        assertThat(r.output().length()).isLessThan(PipelineResult.MAX_OUTPUT + 200);
        assertThat(r.output()).contains("characters cut");
    }

    @Test
    void theSecondRunOfAProjectWithDependenciesInstallsFromTheCacheWithoutANetwork() {
        Path repo = gitRepository(tmp, "node-deps-pass", "main");
        CacheMounts caches = CacheMounts.withPrefix("sandbox-jobs-test-pipeline-cache-");

        PipelineResult first = runInContainer(PipelineRequest.builder(repo.toString()).caches(caches).build(), "bridge");
        PipelineResult second = runInContainer(PipelineRequest.builder(repo.toString()).caches(caches).build(), "none");
        PipelineResult uncached = runInContainer(PipelineRequest.builder(repo.toString()).noCaches().build(), "none");

        assertThat(first.success()).as(first.failure()).isTrue();
        assertThat(second.success()).as("offline run with the cache: %s", second.failure()).isTrue();
        assertThat(second.tests().passed()).isEqualTo(2);
        assertThat(uncached.success()).isFalse();
        assertThat(uncached.failure()).startsWith("install failed: npm ci");
    }
}
