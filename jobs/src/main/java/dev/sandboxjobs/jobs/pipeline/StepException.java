package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.report.StepReport;

/**
 * A step ended without success for a reason that belongs in the result (a clone of a
 * missing branch, an install that exits non-zero, a timeout) rather than an
 * infrastructure fault. {@link TestingPipeline} turns it into a failed result.
 */
public final class StepException extends RuntimeException {

    private final transient StepReport report;

    public StepException(StepReport report) {
        super(report.name() + ": " + report.message());
        this.report = report;
    }

    public StepReport report() {
        return report;
    }
}
