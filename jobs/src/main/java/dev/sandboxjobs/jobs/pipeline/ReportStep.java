package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.Reports;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code report} step: renders {@code report.json}, {@code junit.xml}, {@code report.md}
 * and {@code report.html} and stores them. It runs on the host (no sandbox), after every
 * other step, whatever their outcome.
 */
public final class ReportStep {

    public static final String NAME = "report";

    private final ArtifactSink sink;
    private final Clock clock;

    public ReportStep(ArtifactSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /**
     * Stores the artifacts for {@code result} (whose steps do not include this one yet) and
     * returns the result with this step and the artifact paths added.
     */
    public PipelineResult run(PipelineResult result) {
        Instant start = clock.instant();
        Map<String, String> paths = new LinkedHashMap<>();
        // the paths are predicted first so that report.json and report.html can list them
        for (String name : Reports.FILE_NAMES) {
            paths.put(name, name);
        }
        List<StepReport> steps = new ArrayList<>(result.steps());
        steps.add(new StepReport(NAME, StepStatus.SUCCEEDED, Duration.ZERO, "", -1,
                Reports.FILE_NAMES.size() + " artifacts", ""));
        PipelineResult draft = result.toBuilder().steps(steps).artifacts(paths).build();
        Map<String, String> stored = new LinkedHashMap<>();
        try {
            for (var file : Reports.renderAll(draft).entrySet()) {
                stored.put(file.getKey(), sink.store(file.getKey(), file.getValue()));
            }
        } catch (RuntimeException e) {
            steps.set(steps.size() - 1, new StepReport(NAME, StepStatus.FAILED, Duration.between(start, clock.instant()),
                    "", -1, "could not store the reports: " + e.getMessage(), ""));
            return result.toBuilder().steps(steps).artifacts(stored).success(false)
                    .failure(result.failure().isEmpty() ? "could not store the reports: " + e.getMessage() : result.failure())
                    .build();
        }
        steps.set(steps.size() - 1, new StepReport(NAME, StepStatus.SUCCEEDED, Duration.between(start, clock.instant()),
                "", -1, stored.size() + " artifacts", ""));
        PipelineResult done = result.toBuilder().steps(steps).artifacts(stored).build();
        // report.json is rewritten with the final paths and this step's duration
        sink.store("report.json", Reports.json(done).getBytes(StandardCharsets.UTF_8));
        return done;
    }
}
