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
 * Node projects whose test step is more than one command, on the runtime image without a network: an
 * npm-workspaces monorepo whose packages are tested one by one and grouped in the report, and a chained
 * test script whose first part (a linter) fails before the test runner starts.
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
        return new TestingPipeline(PipelineRequest.builder(repo.toString()).noCaches()
                .testTimeout(Duration.ofMinutes(3)).build(), ArtifactSink.directory(tmp.resolve("artifacts")))
                .run(engine, SandboxOptions.builder().image(RuntimeImageForTests.image()).network(NetworkMode.NONE)
                        .build());
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
}
