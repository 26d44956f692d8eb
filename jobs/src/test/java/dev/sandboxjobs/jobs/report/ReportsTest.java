package dev.sandboxjobs.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestResults;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {

    private static final String EVIL = "<script>alert('x')</script> & \"quotes\" ``` | *bold*";

    static TestSummary aSummaryWithOneFailure() {
        return TestSummary.of("tap", List.of(
                TestCase.passed("calc", "adds", Duration.ofMillis(3)),
                TestCase.passed("calc", "subtracts", Duration.ofMillis(2)),
                new TestCase("calc", "skips", TestStatus.SKIPPED, Duration.ZERO, "not yet", ""),
                new TestCase("calc", "multiplies " + EVIL, TestStatus.FAILED, Duration.ofMillis(4),
                        "6 !== 7", "at calc.test.js:9\n```nested fence```")), Duration.ofMillis(230), List.of());
    }

    static PipelineResult aFailedRun() {
        return PipelineResult.builder()
                .success(false).exitCode(1).projectType("nodejs").tool("npm")
                .repository("file:///tmp/sample-repo").branch("feature/$(whoami)").commit("0123456789abcdef0123456789abcdef01234567")
                .startedAt(Instant.parse("2026-01-02T03:04:05Z")).duration(Duration.ofMillis(4321))
                .step(new StepReport("clone", StepStatus.SUCCEEDED, Duration.ofMillis(300), "git clone --depth 1", 0, "", ""))
                .step(new StepReport("install", StepStatus.SUCCEEDED, Duration.ofMillis(5), "", -1, "nothing to install", ""))
                .step(new StepReport("test", StepStatus.FAILED, Duration.ofMillis(900), "npm test", 1, "1 test failed", "TAP…"))
                .tests(aSummaryWithOneFailure())
                .output("TAP version 13\nnot ok 4 - multiplies " + EVIL).errors("npm ERR! Test failed.")
                .note("package.json found").artifacts(Map.of("report.html", "/artifacts/run-1/report.html"))
                .build();
    }

    @Test
    void jsonCarriesTheSeedFieldsAndEverythingElse() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Reports.json(aFailedRun()));

        assertThat(json.get("success").asBoolean()).isFalse();
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("projectType").asText()).isEqualTo("nodejs");
        assertThat(json.get("output").asText()).startsWith("TAP version 13");
        assertThat(json.get("errors").asText()).isEqualTo("npm ERR! Test failed.");
        assertThat(json.get("branch").asText()).isEqualTo("feature/$(whoami)");
        assertThat(json.get("commit").asText()).hasSize(40);
        assertThat(json.get("durationMs").asLong()).isEqualTo(4321);
        assertThat(json.get("steps")).extracting(s -> s.get("name").asText()).containsExactly("clone", "install", "test");
        assertThat(json.get("steps").get(2).get("status").asText()).isEqualTo("failed");
        JsonNode tests = json.get("tests");
        assertThat(tests.get("passed").asInt()).isEqualTo(2);
        assertThat(tests.get("failed").asInt()).isEqualTo(1);
        assertThat(tests.get("skipped").asInt()).isEqualTo(1);
        assertThat(tests.get("failures").get(0).get("name").asText()).startsWith("multiplies <script>");
        assertThat(tests.get("failures").get(0).get("message").asText()).isEqualTo("6 !== 7");
        assertThat(json.get("artifacts").get("report.html").asText()).isEqualTo("/artifacts/run-1/report.html");
    }

    @Test
    void junitXmlRoundTripsThroughTheParserWithTheSameCounts() {
        String xml = Reports.junitXml(aFailedRun());

        TestSummary back = TestResults.parseJUnitXml(xml);

        assertThat(back.warnings()).isEmpty();
        assertThat(back.passed()).isEqualTo(2);
        assertThat(back.failed()).isEqualTo(1);
        assertThat(back.skipped()).isEqualTo(1);
        assertThat(back.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("calc");
            assertThat(f.name()).isEqualTo("multiplies " + EVIL);
            assertThat(f.details()).contains("nested fence");
        });
    }

    @Test
    void junitXmlShowsAFailedInstallAsAnErroredPipelineCase() {
        PipelineResult r = PipelineResult.builder().projectType("nodejs").failure("install failed: npm ci exited with 1")
                .step(new StepReport("clone", StepStatus.SUCCEEDED, Duration.ZERO, "", 0, "", ""))
                .step(new StepReport("install", StepStatus.FAILED, Duration.ofSeconds(2), "npm ci", 1,
                        "npm ci exited with 1", "npm ERR! 404 Not Found \u0000 - nope@9.9.9"))
                .step(StepReport.skipped("test", "install failed"))
                .build();

        TestSummary back = TestResults.parseJUnitXml(Reports.junitXml(r));

        assertThat(back.errored()).isEqualTo(1);
        assertThat(back.failures()).singleElement().satisfies(f -> {
            assertThat(f.fullName()).isEqualTo("pipeline > install");
            assertThat(f.details()).contains("404 Not Found");
        });
    }

    @Test
    void markdownHasAStatusLineACountsTableAndCollapsedFailures() {
        String md = Reports.markdown(aFailedRun());

        assertThat(md).startsWith("### ❌ Tests failed\n");
        assertThat(md).contains("| Passed | Failed | Errored | Skipped | Total | Time |")
                .contains("| 2 | 1 | 0 | 1 | 4 | 230 ms |");
        assertThat(md).contains("commit `0123456789ab`").contains("branch `feature/$(whoami)`");
        assertThat(md).contains("<details><summary>calc &gt; multiplies &lt;script&gt;");
        assertThat(md).doesNotContain("<script>");
        // the details contain ``` so the fence must be longer
        assertThat(md).contains("````text\n6 !== 7");
        assertThat(md).contains("✅ clone").contains("❌ test");
    }

    @Test
    void markdownForACustomWorkflowShowsTheStepsVerdictsAndOutputInsteadOfATestTable() {
        PipelineResult r = PipelineResult.builder().success(true).projectType(PipelineResult.CUSTOM)
                .repository("file:///tmp/app").startedAt(Instant.parse("2026-01-02T03:04:05Z"))
                .step(new StepReport("clone", StepStatus.SUCCEEDED, Duration.ofMillis(300), "", 0, "at 0123abc", ""))
                .step(new StepReport("count-lines", StepStatus.SUCCEEDED, Duration.ofMillis(20), "", 0,
                        "9 lines in 3 files " + EVIL, "js 6\nmd 3"))
                .output("== count-lines ==\njs 6\nmd 3\n").build();

        String md = Reports.markdown(r);

        assertThat(md).startsWith("### ✅ Pipeline succeeded").doesNotContain("| Passed |");
        assertThat(md).contains("- **clone**: at 0123abc\n").contains("- **count-lines**: 9 lines in 3 files");
        assertThat(md).contains("<details><summary>output</summary>").contains("== count-lines ==\njs 6\nmd 3");
        assertThat(md).doesNotContain("<script>");

        String html = Reports.html(r);
        assertThat(html).contains("✅ Pipeline succeeded").doesNotContain("<h2>Results</h2>").doesNotContain("Exit code")
                .contains("<h2>Output</h2>\n<pre>== count-lines ==\njs 6\nmd 3").contains("9 lines in 3 files &lt;script&gt;");
    }

    @Test
    void markdownForAPassingRunSaysSoAndListsNoFailures() {
        PipelineResult r = aFailedRun().toBuilder().success(true).exitCode(0)
                .tests(TestSummary.of("tap", List.of(TestCase.passed("", "a", Duration.ZERO)), null, List.of())).build();

        String md = Reports.markdown(r);

        assertThat(md).startsWith("### ✅ Tests passed").doesNotContain("Failures").doesNotContain("<details>");
    }

    @Test
    void markdownOfAPipelineFailureQuotesTheReasonAndTheStepOutput() {
        PipelineResult r = PipelineResult.builder().projectType("unknown")
                .failure("unknown project: no known build file")
                .step(new StepReport("install", StepStatus.FAILED, Duration.ZERO, "", -1, "unknown project", "ls output"))
                .build();

        String md = Reports.markdown(r);

        assertThat(md).startsWith("### ❌ Pipeline failed").contains("> unknown project: no known build file")
                .contains("<details><summary>install output</summary>");
    }

    @Test
    void htmlIsSelfContainedWithAChartAndEscapesEverything() {
        String html = Reports.html(aFailedRun());

        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=")
                .doesNotContain("<link").doesNotContain("url(").doesNotContain("@import");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
        assertThat(html).contains("<svg class=\"donut\"").contains("<circle class=\"passed\"")
                .contains("<circle class=\"failed\"").contains("<circle class=\"skipped\"")
                .doesNotContain("<circle class=\"errored\"");
        assertThat(html).contains("<td class=\"num\" id=\"passed\">2</td>").contains("id=\"failed\">1</td>");
        assertThat(html).contains("<details class=\"failure\"><summary>calc &gt; multiplies");
        assertThat(html).contains("feature/$(whoami)").contains("0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void theChartOfAnEmptyRunHasNoSegments() {
        String svg = HtmlReport.chart(TestSummary.empty("none"));

        assertThat(svg).doesNotContain("class=\"passed\"").contains(">0</text>");
    }

    @Test
    void renderAllWritesTheFourArtifacts() {
        Map<String, byte[]> files = Reports.renderAll(aFailedRun());

        assertThat(files).containsOnlyKeys(Reports.FILE_NAMES);
        assertThat(new String(files.get("report.md"), StandardCharsets.UTF_8)).contains("Tests failed");
    }

    @Test
    void hugeOutputIsCappedWithAMarkerKeepingItsEnd() {
        String huge = "x".repeat(PipelineResult.MAX_OUTPUT * 3) + "\n# tests 4";

        PipelineResult r = PipelineResult.builder().output(huge).build();

        assertThat(r.output().length()).isLessThan(PipelineResult.MAX_OUTPUT + 100);
        assertThat(r.output()).contains("characters cut").endsWith("# tests 4");
    }
}
