package dev.sandboxjobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness runs end to end on one cheap metric (no timing assertion: figures are not checked). */
class HarnessSmokeTest {
    @TempDir
    Path dir;

    @Test
    void oneIterationOfTheNoOpJobsMetricIsWrittenToLatestJsonAndToTheMarkdownReport() throws Exception {
        boolean ok = Main.run("--only=jobs", "--iterations=1", "--results=" + dir, "--markdown=" + dir.resolve("B.md"));

        assertThat(ok).isTrue();
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("latest.json").toFile());
        assertThat(doc.get("machine").get("nproc").asInt()).isPositive();
        JsonNode first = doc.get("metrics").get(0);
        assertThat(first.get("name").asText()).startsWith("completed runs/s");
        assertThat(first.get("unit").asText()).isEqualTo("runs/s");
        assertThat(first.get("value").asDouble()).isPositive();
        assertThat(java.nio.file.Files.readString(dir.resolve("B.md"))).contains("## 7. jobs").contains("runs/s");
    }

    @Test
    void mergeReplacesOnlyTheAreasMeasuredAgainAndTheReportSaysWhen() throws Exception {
        assertThat(Main.run("--only=jobs", "--iterations=1", "--results=" + dir, "--markdown=" + dir.resolve("B.md"))).isTrue();
        JsonNode before = new ObjectMapper().readTree(dir.resolve("latest.json").toFile());

        assertThat(Main.run("--only=jobs", "--iterations=1", "--merge", "--results=" + dir,
                "--markdown=" + dir.resolve("B.md"))).isTrue();

        JsonNode after = new ObjectMapper().readTree(dir.resolve("latest.json").toFile());
        assertThat(after.get("startedAt")).isEqualTo(before.get("startedAt"));
        assertThat(after.get("metrics").size()).isEqualTo(before.get("metrics").size());
        assertThat(after.get("remeasured").get(0).get("areas").get(0).asText()).isEqualTo("jobs");
        assertThat(java.nio.file.Files.readString(dir.resolve("B.md")))
                .contains("Re-measured later with `./bench/run --only=jobs --merge`");
        Metric kept = Metric.of("1. cold", "cold p50", 1, "ms");
        Metric old = Metric.of("7. jobs", "runs/s", 1, "runs/s");
        Metric failed = Metric.notMeasured("network", "area failed", "x");
        Metric now = Metric.of("7. jobs", "runs/s", 2, "runs/s");
        assertThat(Main.merge(java.util.List.of(kept, old, failed), java.util.List.of(now), java.util.Set.of("jobs", "network")))
                .containsExactly(kept, now);
    }
}
