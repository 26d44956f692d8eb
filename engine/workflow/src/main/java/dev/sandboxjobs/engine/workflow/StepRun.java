package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A step of a run as persisted: its state, attempts, timings, result and failure. */
public record StepRun(int index, String name, RunState state, int attempt, Instant startedAt, Instant finishedAt,
                      JsonNode result, Failure failure) {
}
