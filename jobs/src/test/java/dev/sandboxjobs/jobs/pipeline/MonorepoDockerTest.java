package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.PipelineTestSupport.gitRepository;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.report.PackageResult;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.results.TestCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monorepos whose results are grouped by package in the report, one small repository per kind, each
 * with one package that passes (with a skipped test) and one that fails: npm workspaces (runtime
 * image, no network), pnpm workspaces and yarn 1 and 4 workspaces (runtime image, pnpm and yarn
 * provisioned from the npm registry at their {@code packageManager} version), a go.work of two modules
 * (full image, no network) and a Maven parent of two modules (full image, JUnit 5 from Maven Central).
 * Also Node test scripts that are more than one command: a chained part (a linter) that fails before
 * the test runner starts, or after it passed.
 */
@RequiresDocker
class MonorepoDockerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path engineDir;
    static SandboxEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startTheEngine() {
        engine = SandboxEngine.builder().dataDirectory(engineDir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(2L << 30).label("dev.sandboxjobs.owner", "jobs-tests").build())
                .build();
    }

    @AfterAll
    static void stopTheEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @AfterEach
    void noSandboxOrContainerIsLeftBehind() {
        assertThat(engine.listSandboxes()).as("sandboxes left behind").isEmpty();
        var ps = PipelineTestSupport.run(List.of("docker", "ps", "-aq", "--filter",
                "label=" + Labels.ENGINE + "=" + engine.engineId()));
        assertThat(ps.output().strip()).as("containers left behind").isEmpty();
    }

    private PipelineResult run(Path repo) {
        return run(repo, RuntimeImageForTests.image(), NetworkMode.NONE);
    }

    private PipelineResult run(Path repo, String image, NetworkMode network) {
        return new TestingPipeline(PipelineRequest.builder(repo.toString()).noCaches().installTimeout(Duration.ofMinutes(5))
                .testTimeout(Duration.ofMinutes(3)).build(), ArtifactSink.directory(tmp.resolve("artifacts")))
                .run(engine, SandboxOptions.builder().image(image).network(network).build());
    }

    /**
     * The run failed for its one failing package only: {@code rows} ({@code "name directory status passed/failed/skipped"})
     * are the packages of the result and of report.json in that order, {@code failures} the failed tests' full names.
     */
    private static void assertGroupedByPackage(PipelineResult r, String kind, List<String> rows, String... failures)
            throws Exception {
        String why = "failure: " + r.failure() + "; steps: " + r.steps() + "; notes: " + r.notes() + "; output:\n"
                + r.output() + r.errors();
        assertThat(r.projectType()).as(why).isEqualTo(kind);
        assertThat(r.step(InstallStep.NAME).orElseThrow().status()).as(why).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.packages()).as(why).extracting(p -> p.name() + " " + p.directory() + " "
                + p.status().name().toLowerCase(java.util.Locale.ROOT) + " " + p.passed() + "/" + (p.failed() + p.errored())
                + "/" + p.skipped()).containsExactlyElementsOf(rows);
        assertThat(r.success()).isFalse();
        assertThat(r.step(TestStep.NAME).orElseThrow().status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.tests().failures()).as(why).extracting(TestCase::fullName).containsExactly(failures);

        JsonNode json = JSON.readTree(Files.readString(Path.of(r.artifacts().get("report.json"))));
        List<String> reported = new ArrayList<>();
        for (JsonNode p : json.path("packages")) {
            reported.add(p.path("name").asText() + " " + p.path("directory").asText() + " " + p.path("status").asText() + " "
                    + p.path("passed").asInt() + "/" + (p.path("failed").asInt() + p.path("errored").asInt()) + "/"
                    + p.path("skipped").asInt());
        }
        assertThat(reported).containsExactlyElementsOf(rows);
    }

    @Test
    void eachWorkspaceIsTestedOnItsOwnAndTheReportGroupsTheResultsByPackage() throws Exception {
        Path repo = gitRepository(tmp, "node-workspaces", "main");

        PipelineResult r = run(repo);

        String why = "failure: " + r.failure() + "; steps: " + r.steps() + "; output:\n" + r.output();
        assertThat(r.projectType()).isEqualTo("nodejs");
        assertThat(r.packages()).as(why).extracting(PackageResult::name).containsExactly("alpha", "beta");
        PackageResult alpha = r.packages().get(0);
        PackageResult beta = r.packages().get(1);
        assertThat(alpha.directory()).isEqualTo("packages/alpha");
        assertThat(alpha.runner()).isEqualTo("node:test");
        assertThat(alpha.status()).as(alpha.message()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(List.of(alpha.passed(), alpha.failed(), alpha.skipped(), alpha.errored())).as(why)
                .containsExactly(2, 0, 1, 0);
        assertThat(alpha.exitCode()).isZero();
        assertThat(beta.directory()).isEqualTo("packages/beta");
        assertThat(beta.status()).isEqualTo(StepStatus.FAILED);
        assertThat(List.of(beta.passed(), beta.failed(), beta.skipped(), beta.errored())).as(why)
                .containsExactly(1, 1, 0, 0);
        assertThat(beta.exitCode()).isNotZero();
        assertThat(beta.message()).contains("1 test(s) failed");

        // the whole run: merged counts, failed because one package failed, the failure named with its package
        assertThat(r.success()).isFalse();
        assertThat(r.exitCode()).isNotZero();
        assertThat(List.of(r.tests().passed(), r.tests().failed(), r.tests().skipped())).containsExactly(3, 1, 1);
        assertThat(r.tests().failures()).extracting(TestCase::fullName).containsExactly("beta > beta multiplies");
        var test = r.step("test").orElseThrow();
        assertThat(test.status()).isEqualTo(StepStatus.FAILED);
        assertThat(test.message()).startsWith("2 packages: 1 passed, 1 failed (beta: ");
        assertThat(test.command()).contains("(cd packages/alpha && ").contains("(cd packages/beta && ");
        assertThat(r.output()).contains("== alpha (packages/alpha) ==").contains("== beta (packages/beta) ==");

        JsonNode json = JSON.readTree(Files.readString(Path.of(r.artifacts().get("report.json"))));
        List<String> rows = new ArrayList<>();
        for (JsonNode p : json.path("packages")) {
            rows.add(p.path("name").asText() + " " + p.path("directory").asText() + " " + p.path("status").asText() + " "
                    + p.path("passed").asInt() + "/" + p.path("failed").asInt() + "/" + p.path("skipped").asInt());
        }
        assertThat(rows).containsExactly("alpha packages/alpha succeeded 2/0/1", "beta packages/beta failed 1/1/0");

        String html = Files.readString(Path.of(r.artifacts().get("report.html")));
        assertThat(html).contains("<h2>Packages</h2>");
        String table = html.substring(html.indexOf("<table id=\"packages\">"));
        table = table.substring(0, table.indexOf("</table>"));
        assertThat(table).contains("<tr><td>alpha</td><td>node:test</td><td class=\"num\">2</td><td class=\"num\">0</td>")
                .contains("<tr><td>beta</td><td>node:test</td><td class=\"num\">1</td><td class=\"num\">1</td>");
        assertThat(table.indexOf("<td>alpha</td>")).isLessThan(table.indexOf("<td>beta</td>"));

        String md = Files.readString(Path.of(r.artifacts().get("report.md")));
        assertThat(md).contains("| alpha | node:test | 2 | 0 | 0 | 1 | ✅").contains("| beta | node:test | 1 | 1 | 0 | 0 | ❌");
    }

    @Test
    void aLinterChainedBeforeTheTestRunnerIsNamedWhenItFails() throws Exception {
        Path repo = gitRepository(tmp, "node-chain-fail", "main");

        PipelineResult r = run(repo);

        var test = r.step("test").orElseThrow();
        assertThat(r.success()).isFalse();
        assertThat(test.status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.tests().passed()).as("the runner never started").isZero();
        assertThat(test.message()).as("%s; output:\n%s", r.headline(), r.output())
                .isEqualTo("the test script `node scripts/lint.js && node --test` stopped before node:test reported any"
                        + " result: a part before it failed (`node scripts/lint.js`) (exit code 1)");
        assertThat(r.headline()).startsWith("FAILED (the test script").contains("(`node scripts/lint.js`)");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.json"))))
                .contains("a part before it failed (`node scripts/lint.js`)");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.html"))))
                .contains("a part before it failed (`node scripts/lint.js`)");
    }

    @Test
    void aPartChainedAfterPassingTestsIsNamedWhenItFails() throws Exception {
        Path repo = gitRepository(tmp, "node-pass", "main");
        Path manifest = repo.resolve("package.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"node --test\"", "\"node --test && exit 3\""));
        PipelineTestSupport.git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "--quiet", "-am", "chain");

        PipelineResult r = run(repo);

        var test = r.step("test").orElseThrow();
        assertThat(r.success()).isFalse();
        assertThat(test.status()).isEqualTo(StepStatus.FAILED);
        assertThat(test.exitCode()).isEqualTo(3);
        assertThat(List.of(r.tests().passed(), r.tests().failed(), r.tests().skipped())).as(r.output())
                .containsExactly(3, 0, 1);
        assertThat(test.message()).isEqualTo("the tests passed, then a part of the test script `node --test && exit 3`"
                + " after node:test failed (`exit 3`) (exit code 3)");
        assertThat(r.headline()).isEqualTo("FAILED (" + test.message() + ")");
    }

    @Test
    void pnpmWorkspacePackagesAreTestedOneByOneWithThePnpmOfPackageManager() throws Exception {
        PipelineResult r = run(gitRepository(tmp, "monorepo-pnpm", "main"), RuntimeImageForTests.image(), NetworkMode.BRIDGE);

        assertGroupedByPackage(r, "nodejs", List.of("@pn/alpha packages/alpha succeeded 1/0/1",
                "@pn/beta packages/beta failed 2/1/0"), "@pn/beta > beta multiplies");
        assertThat(r.tool()).isEqualTo("pnpm");
        assertThat(r.toolchains()).anySatisfy(t -> assertThat(t.tool() + " " + t.used()).isEqualTo("pnpm 10.20.0"));
        assertThat(r.step(InstallStep.NAME).orElseThrow().command()).endsWith("pnpm install --frozen-lockfile");
        assertThat(r.step(TestStep.NAME).orElseThrow().command())
                .isEqualTo("(cd packages/alpha && pnpm test); (cd packages/beta && pnpm test)");
        assertThat(r.packages()).allSatisfy(p -> assertThat(p.runner()).isEqualTo("node:test"));
    }

    @Test
    void yarnClassicWorkspacesAreTestedOneByOne() throws Exception {
        PipelineResult r = run(gitRepository(tmp, "monorepo-yarn", "main"), RuntimeImageForTests.image(), NetworkMode.BRIDGE);

        assertGroupedByPackage(r, "nodejs", List.of("@yn/alpha packages/alpha succeeded 1/0/1",
                "@yn/beta packages/beta failed 2/1/0"), "@yn/beta > beta multiplies");
        assertThat(r.tool()).isEqualTo("yarn");
        assertThat(r.step(TestStep.NAME).orElseThrow().command())
                .isEqualTo("(cd packages/alpha && yarn test); (cd packages/beta && yarn test)");
    }

    @Test
    void yarnBerryWorkspacesAreTestedOneByOne() throws Exception {
        PipelineResult r = run(gitRepository(tmp, "monorepo-yarn-berry", "main"), RuntimeImageForTests.image(),
                NetworkMode.BRIDGE);

        assertGroupedByPackage(r, "nodejs", List.of("@yb/alpha packages/alpha succeeded 1/0/1",
                "@yb/beta packages/beta failed 2/1/0"), "@yb/beta > beta multiplies");
        assertThat(r.toolchains()).anySatisfy(t -> assertThat(t.tool() + " " + t.used()).isEqualTo("yarn 4.9.4"));
        assertThat(r.step(InstallStep.NAME).orElseThrow().command()).endsWith("yarn install --immutable");
    }

    @Test
    void goWorkspaceModulesAreTestedOneByOneWithoutANetwork() throws Exception {
        PipelineResult r = run(gitRepository(tmp, "monorepo-go", "main"), RuntimeImageForTests.fullImage(), NetworkMode.NONE);

        assertGroupedByPackage(r, "go", List.of("example.com/alpha alpha succeeded 1/0/1",
                "example.com/beta beta failed 2/1/0"), "example.com/beta > TestMultiplies");
        assertThat(r.notes()).contains("go.work found");
        assertThat(r.step(TestStep.NAME).orElseThrow().command())
                .isEqualTo("(cd alpha && go test -json ./...); (cd beta && go test -json ./...)");
    }

    @Test
    void mavenModulesRunInOneReactorAndAreGroupedByModuleEvenAfterOneFailsWithTheSkippedOnesListed() throws Exception {
        PipelineResult r = run(gitRepository(tmp, "monorepo-maven", "main"), RuntimeImageForTests.fullImage(),
                NetworkMode.BRIDGE);

        // core fails first in the reactor; api does not depend on it and is still tested (--fail-at-end);
        // web depends on core: Maven skips it, and only its reactor summary says so
        assertGroupedByPackage(r, "maven", List.of("api api succeeded 2/0/1", "core core failed 1/1/0",
                "web web skipped 0/0/0"), "mono.core.CoreTest > multiplies");
        assertThat(r.step(TestStep.NAME).orElseThrow().command()).isEqualTo("mvn -B -ntp --fail-at-end test");
        assertThat(List.of(r.tests().passed(), r.tests().failed(), r.tests().skipped())).containsExactly(3, 1, 1);
        assertThat(r.tests().countMismatches()).as("Maven's own Tests run: lines agree").isEmpty();
    }
}
