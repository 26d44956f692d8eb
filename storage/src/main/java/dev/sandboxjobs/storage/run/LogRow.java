package dev.sandboxjobs.storage.run;

/** One persisted log line of a step. {@code seq} increases with every line written. */
public record LogRow(long seq, String runId, int stepIndex, String stream, long at, String line) {
}
