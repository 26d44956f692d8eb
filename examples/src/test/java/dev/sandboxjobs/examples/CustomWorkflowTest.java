package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.jobs.pipeline.PipelineSteps;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class CustomWorkflowTest {
    @TempDir Path dataDir;
    @TempDir Path tmp;

    @Test
    void theComposedWorkflowClonesRunsBothUserStepsAndStoresTheirOutputInTheReport() throws Exception {
        Path repo = GitRepos.create(tmp.resolve("app"), "main", Map.of(
                "src/app.js", "function add(a, b) {\n  // TODO: check the types\n  return a + b;\n}\nmodule.exports = add;\n",
                "src/util.js", "module.exports = {};\n",
                "README.md", "# app\n\nAdds numbers.\n"));
        String head = GitRepos.git(repo, "rev-parse", "HEAD");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dataDir).image(TestImages.runtime()).build();
             JobEngine jobEngine = JobEngine.over(engine)) {
            Run run = CustomWorkflow.run(jobEngine, repo.toString(), "main",
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));

            assertThat(run.state()).as("%s", run.failure()).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.steps()).extracting(StepRun::name).containsExactly("clone", "count-lines", "todos", "report");
            assertThat(run.step("count-lines").result().at("/report/message").asText())
                    .isEqualTo("9 lines in 3 files");

            PipelineResult result = PipelineSteps.result(run).orElseThrow();
            assertThat(result.success()).isTrue();
            assertThat(result.commit()).isEqualTo(head);
            assertThat(result.steps()).extracting(StepReport::name)
                    .containsExactly("clone", "count-lines", "todos", "report");
            assertThat(result.output())
                    .contains("== count-lines ==").containsPattern("js\\s+6").containsPattern("md\\s+3")
                    .contains("== todos ==").contains("./src/app.js:2:  // TODO: check the types");

            assertThat(jobEngine.worker().artifacts(run.id())).extracting(ArtifactInfo::name)
                    .contains("report.md", "report.html", "report.json", "junit.xml");
            String markdown = new String(jobEngine.worker().readArtifact(run.id(), "report.md"), StandardCharsets.UTF_8);
            assertThat(markdown).contains("Pipeline succeeded").contains("count-lines")
                    .contains("TODO: check the types").doesNotContain("| Passed |");
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("SUCCEEDED").contains("Pipeline succeeded");
    }
}
