package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class AnalyzeDataTest {
    @TempDir Path dir;

    @Test
    void theSalesCsvIsAnalysedWithPandasAndTheChartLandsOnDiskAsPng() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path chart = dir.resolve("out/chart.png");
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dir).image(RuntimeImageForTests.image()).build()) {
            AnalyzeData.Analysis analysis = AnalyzeData.run(engine, AnalyzeData.resource("sales.csv"), "Which region sells most?",
                    CodeGenerator.fromResource("analyze_sales.py"), chart, new PrintStream(bytes, true, StandardCharsets.UTF_8));

            assertThat(analysis.structure()).contains("Rows: 8").contains("['month', 'region', 'revenue']");
            assertThat(analysis.output()).contains("Top region: north with revenue 565");
            assertThat(analysis.chart()).isEqualTo(chart);
            assertThat(engine.listSandboxes()).isEmpty();
        }
        byte[] png = Files.readAllBytes(chart);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).isGreaterThan(1000);
    }
}
