package dev.sandboxjobs.bench;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.pipeline.ArtifactSink;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipeline;
import dev.sandboxjobs.jobs.report.PipelineResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * 11. The testing pipeline (clone, install, test, report in a fresh sandbox of the full image) on
 * the bundled {@code examples/sample-repo}, twice: the second run finds the dependency-cache
 * volumes the first one filled.
 */
final class PipelineBench {
    private PipelineBench() {}

    static void run(Path tmp, List<Metric> out) throws Exception {
        Path repo = Path.of("examples", "sample-repo").toAbsolutePath();
        if (!Files.isDirectory(repo)) {
            throw new IllegalStateException("run the bench from the repository root: no " + repo);
        }
        String image = RuntimeImageForTests.fullImage();
        String area = "11. pipeline on examples/sample-repo";
        try (SandboxEngine engine = SandboxEngine.builder().image(image).dataDirectory(tmp.resolve("engine-pipeline")).build()) {
            double[] ms = new double[2];
            String[] steps = new String[2];
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                PipelineResult r = new TestingPipeline(PipelineRequest.builder(repo.toString()).build(),
                        ArtifactSink.directory(Files.createDirectories(tmp.resolve("pipeline-" + i))))
                        .run(engine, SandboxOptions.builder().image(image).label(SandboxBench.LABEL, "1").build());
                ms[i] = Stats.ms(System.nanoTime() - t0);
                if (!r.success()) {
                    throw new IllegalStateException("the pipeline failed: " + r.failure() + " " + r.errors());
                }
                steps[i] = r.steps().stream().map(s -> s.name() + " " + s.duration().toMillis() + " ms")
                        .collect(Collectors.joining(", "));
            }
            out.add(Metric.of(area, "first run (fresh sandbox, clone + install + test + report)", ms[0], "ms")
                    .note("steps: " + steps[0] + "; the sample has no dependencies, so the caches have little to hold"));
            out.add(Metric.of(area, "second run (dependency-cache volumes warm)", ms[1], "ms")
                    .note("steps: " + steps[1]));
        }
    }
}
