package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class BatchTestingTest {
    @TempDir Path dataDir;
    @TempDir Path repos;

    @Test
    void sevenPipelineRunsOverThreeRepositoriesEndOnceEachNeverMoreThanTwoAtOnceAndAreTabulated() throws Exception {
        List<String> repositories = DemoRepositories.create(repos).stream().map(Path::toString).toList();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BatchTesting.Batch batch = BatchTesting.run(
                SandboxEngine.builder().dataDirectory(dataDir).image(RuntimeImageForTests.image()),
                repositories, 7, 2, Duration.ofMinutes(15), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(batch.rows()).hasSize(7);
        for (BatchTesting.Row row : batch.rows()) {
            boolean failing = row.repository().equals(DemoRepositories.FAILING);
            assertThat(row.state()).as("%s", row).isEqualTo(failing ? RunState.FAILED : RunState.SUCCEEDED);
            assertThat(row.commit()).as("%s", row).matches("[0-9a-f]{40}");
            assertThat(row.failed()).as("%s", row).isEqualTo(failing ? 1 : 0);
            assertThat(row.passed()).as("%s", row).isEqualTo(switch (row.repository()) {
                case "calculator" -> 3;
                case "strings" -> 2;
                default -> 2;
            });
            // each run finished exactly once, and its row is in the table
            assertThat(output.lines().filter(l -> l.contains("finished " + row.runId()))).hasSize(1);
            assertThat(output.lines().filter(l -> l.endsWith(row.runId()) && l.startsWith(row.repository())
                    && l.contains(row.state().name()))).hasSize(1);
        }
        assertThat(batch.rows()).extracting(BatchTesting.Row::repository)
                .containsExactly("calculator", "strings", "broken", "calculator", "strings", "broken", "calculator");
        assertThat(output).contains("7 runs: 5 succeeded, 2 failed, 0 other");

        // the limit held, read back from the database by another engine: never more than 2 running at once
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dataDir).image(RuntimeImageForTests.image())
                .build(); JobEngine jobEngine = JobEngine.over(engine)) {
            List<Run> stored = jobEngine.client().list(RunQuery.all()
                    .withLabel(BatchTesting.BATCH_LABEL, batch.id()).limit(100)).items();
            assertThat(stored).hasSize(7);
            assertThat(stored).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
            Map<String, Run> byId = stored.stream().collect(Collectors.toMap(Run::id, Function.identity()));
            assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(
                    batch.rows().stream().map(BatchTesting.Row::runId).toList());
            assertThat(BatchTesting.peakConcurrency(stored)).isEqualTo(2);
            assertThat(engine.listSandboxes()).isEmpty();
        }
        assertThat(batch.peakConcurrency()).isEqualTo(2);
    }
}
