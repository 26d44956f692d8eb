package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo} and {@code test} for real: setup, a sandbox, the pipeline, the summary and exit codes. */
@RequiresDocker
class PipelineCommandsTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void ensureTheSharedImage() {
        RuntimeImageForTests.ensure();
    }

    /** A Node project with one passing test and, when {@code failing}, one failing test, committed with git. */
    private Path nodeRepository(String name, boolean failing) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve(name));
        Files.writeString(repo.resolve("package.json"), "{\"name\":\"" + name + "\",\"scripts\":{\"test\":\"node --test\"}}\n");
        Files.createDirectories(repo.resolve("test"));
        Files.writeString(repo.resolve("test/math.test.js"), """
                const test = require('node:test');
                const assert = require('node:assert');
                test('adds', () => assert.strictEqual(1 + 1, 2));
                """ + (failing ? "test('breaks', () => assert.strictEqual(1 + 1, 3));\n" : ""));
        git(repo, "init", "--quiet", "--initial-branch=main");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "--quiet", "-m", "init");
        return repo;
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static Path reportPath(String out) {
        Matcher m = Pattern.compile("(?m)^Report\\s+(\\S+report\\.html)$").matcher(out);
        assertThat(m.find()).as("a Report line in:\n%s", out).isTrue();
        return Path.of(m.group(1));
    }

    private static String containersOfRun(String runId) throws Exception {
        Process p = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=" + Labels.RUN + "=" + runId)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static String runId(String out) {
        Matcher m = Pattern.compile("(?m)^Run\\s+(run-[0-9a-f-]+)$").matcher(out);
        assertThat(m.find()).as("a Run line in:\n%s", out).isTrue();
        return m.group(1);
    }

    /** The run as the data directory's database has it, read by a second engine after the command ended. */
    private static Run storedRun(Path dataDir, String runId) {
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dataDir).build();
             JobEngine jobEngine = JobEngine.over(engine)) {
            JobsWorker jobs = jobEngine.worker();
            BuiltInWorkflows.registerAll(jobs);
            return jobs.get(runId);
        }
    }

    @Test
    void demoRunsThePipelineOnTheSampleRepositoryAndPrintsASummaryWithTheReport() throws Exception {
        MainTest.Run run = MainTest.run("demo", "--data-dir", tmp.resolve("data").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Result      PASSED", "Project     nodejs (npm)", "8 passed, 0 failed",
                "Steps       clone", "Duration");
        assertThat(run.out()).containsPattern("(?m)^Commit      [0-9a-f]{40}$");
        Path html = reportPath(run.out());
        assertThat(html).exists().startsWith(tmp.resolve("data").resolve("reports"));
        assertThat(Files.readString(html)).contains("<svg").contains("sandbox-jobs-demo-");
        assertThat(html.resolveSibling("report.json")).exists();
        assertThat(run.out()).contains("  → clone started", "  ✓ clone succeeded", "  ✓ test succeeded",
                "  ✓ report succeeded");
        assertThat(run.out().indexOf("→ install started")).isGreaterThan(run.out().indexOf("✓ clone succeeded"));
        Run stored = storedRun(tmp.resolve("data"), runId(run.out()));
        assertThat(stored.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(containersOfRun(stored.id())).as("containers of the run left behind").isEmpty();
        assertThat(stored.workflow()).isEqualTo("testing-pipeline");
        assertThat(stored.steps()).extracting(StepRun::state).containsOnly(RunState.SUCCEEDED);
    }

    @Test
    void testOnAPassingRepositoryExitsZero() throws Exception {
        Path repo = nodeRepository("passing", false);

        MainTest.Run run = MainTest.run("test", repo.toString(), "--branch", "main", "--no-cache",
                "--data-dir", tmp.resolve("data").toString(), "--out", tmp.resolve("out").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Result      PASSED", "1 passed, 0 failed");
        assertThat(tmp.resolve("out/report.html")).exists();
    }

    @Test
    void testOnAFailingRepositoryExitsOneAndNamesTheFailure() throws Exception {
        Path repo = nodeRepository("failing", true);

        MainTest.Run run = MainTest.run("test", repo.toString(), "--no-cache", "--data-dir", tmp.resolve("data").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("Result      FAILED", "1 passed, 1 failed", "✗ breaks", "  ✗ test failed",
                "  · report not run");
        assertThat(reportPath(run.out())).exists();
        Run stored = storedRun(tmp.resolve("data"), runId(run.out()));
        assertThat(stored.state()).isEqualTo(RunState.FAILED);
        assertThat(stored.failure().message()).startsWith("tests failed: 1 failed");
        assertThat(containersOfRun(stored.id())).as("containers of the run left behind").isEmpty();
    }

    @Test
    void testWithJsonPrintsTheReportAndOverridesReplaceTheDetectedCommands() throws Exception {
        Path repo = nodeRepository("overridden", false);

        MainTest.Run run = MainTest.run("test", repo.toString(), "--json", "--no-cache", "--install", "",
                "--test", "echo 'not ok 1 - custom'; exit 1", "--data-dir", tmp.resolve("data").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("success").asBoolean()).isFalse();
        assertThat(json.get("projectType").asText()).isEqualTo("nodejs");
        assertThat(json.toString()).contains("custom");
        assertThat(Path.of(json.at("/artifacts/report.html").asText())).exists();
        assertThat(run.err()).contains("Run run-", "✗ test failed");
    }

    @Test
    void aGoModuleGetsTheFullImageWithoutAsking() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("gomod"));
        Files.writeString(repo.resolve("go.mod"), "module example.com/gomod\n\ngo 1.22\n");
        Files.writeString(repo.resolve("calc.go"), "package calc\n\nfunc Add(a, b int) int { return a + b }\n");
        Files.writeString(repo.resolve("calc_test.go"), """
                package calc

                import "testing"

                func TestAdd(t *testing.T) {
                	if Add(2, 3) != 5 {
                		t.Fatal("2+3")
                	}
                }
                """);
        git(repo, "init", "--quiet", "--initial-branch=main");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "--quiet", "-m", "init");

        MainTest.Run run = MainTest.run("test", repo.toString(), "--no-cache", "--data-dir", tmp.resolve("data").toString(),
                "--out", tmp.resolve("out").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Image: full — a go project (go.mod found) needs Go, which only the full image has",
                "Result      PASSED", "1 passed, 0 failed");
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("out").resolve("report.json").toFile());
        assertThat(json.get("image").asText()).startsWith("sandbox-jobs/runtime-full:");
        assertThat(json.at("/toolchains/0/tool").asText()).isEqualTo("go");
        assertThat(json.at("/toolchains/0/wanted").asText()).isEqualTo(">=1.22");
        assertThat(json.at("/toolchains/0/satisfied").asBoolean()).isTrue();
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(MainTest.run("test", tmp.toString(), "--branch", "a", "--commit", "abcdef0").exitCode())
                .isEqualTo(Main.USAGE);
        MainTest.Run missing = MainTest.run("test", tmp.resolve("no-such-dir").toString());
        assertThat(missing.exitCode()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("neither a git URL");
        assertThat(MainTest.run("test").exitCode()).isEqualTo(Main.USAGE);
        MainTest.Run credentials = MainTest.run("test", "https://user:s3cret@git.example.com/a.git");
        assertThat(credentials.exitCode()).isEqualTo(Main.USAGE);
        assertThat(credentials.err()).contains("--token-secret").doesNotContain("s3cret");
    }
}
