package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.storage.run.FailureColumns;
import dev.sandboxjobs.storage.run.LogRow;
import dev.sandboxjobs.storage.run.RunRow;
import dev.sandboxjobs.storage.run.StepRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Between storage's rows and the API's values: runs, steps, failures, retry policies, log lines. */
final class Rows {
    private Rows() {
    }

    static Run toRun(RunJson json, RunRow r, List<StepRow> steps) {
        List<StepRun> stepRuns = new ArrayList<>(steps.size());
        for (StepRow s : steps) {
            stepRuns.add(new StepRun(s.index(), s.name(), RunState.valueOf(s.state()), s.attempt(),
                    instant(s.startedAt()), instant(s.finishedAt()), json.read(s.result()), failure(s.failure())));
        }
        return new Run(r.id(), r.workflow(), RunState.valueOf(r.state()), r.priority(), json.read(r.parameters()),
                json.readMap(r.labels()), r.idempotencyKey(), r.scheduleId(), r.attempt(), r.retry().maxAttempts(),
                r.timeoutMs() == null ? null : Duration.ofMillis(r.timeoutMs()), Instant.ofEpochMilli(r.createdAt()),
                instant(r.startedAt()), instant(r.finishedAt()), instant(r.notBefore()), r.sandboxId(),
                json.read(r.result()), failure(r.failure()), stepRuns);
    }

    static List<LogLine> toLines(Run run, List<LogRow> rows) {
        List<LogLine> lines = new ArrayList<>(rows.size());
        for (LogRow r : rows) {
            String step = r.stepIndex() < run.steps().size() ? run.steps().get(r.stepIndex()).name() : null;
            lines.add(new LogLine(r.seq(), r.runId(), step, r.stream(), Instant.ofEpochMilli(r.at()), r.line()));
        }
        return lines;
    }

    static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    static Failure failure(FailureColumns f) {
        return f == null ? null : new Failure(f.type(), f.message(), f.stackTrace(), f.retryable());
    }

    static FailureColumns columns(Failure f) {
        return f == null ? null : new FailureColumns(f.type(), f.message(), f.stackTrace(), f.retryable());
    }

    static RunRow.RetryColumns retryColumns(RetryPolicy r) {
        return new RunRow.RetryColumns(r.maxAttempts(), r.initialBackoff().toMillis(), r.maxBackoff().toMillis(),
                r.multiplier(), r.jitter(), r.retryFailedResults());
    }

    static RetryPolicy retryPolicy(RunRow.RetryColumns c) {
        return new RetryPolicy(c.maxAttempts(), Duration.ofMillis(c.initialMs()), Duration.ofMillis(c.maxMs()),
                c.multiplier(), c.jitter(), c.retryFailedResults());
    }
}
