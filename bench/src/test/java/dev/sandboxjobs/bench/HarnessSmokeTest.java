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
}
