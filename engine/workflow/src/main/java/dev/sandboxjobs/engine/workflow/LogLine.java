package dev.sandboxjobs.engine.workflow;

import java.time.Instant;

/** A persisted log line of a step; {@code seq} orders lines within the engine's database. */
public record LogLine(long seq, String runId, String step, String stream, Instant at, String text) {
}
