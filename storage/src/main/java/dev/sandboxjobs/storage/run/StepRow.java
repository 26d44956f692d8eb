package dev.sandboxjobs.storage.run;

/** One row of {@code steps}. */
public record StepRow(
        String runId,
        int index,
        String name,
        String state,
        int attempt,
        Long startedAt,
        Long finishedAt,
        String result,
        FailureColumns failure,
        long version) {
}
