package dev.sandboxjobs.engine.workflow;

import java.time.Instant;

/**
 * Something that happened to a run. {@code step} and {@code stepState} are set for step events.
 */
public record RunEvent(Type type, String runId, String workflow, RunState state, String step,
                       RunState stepState, Instant at) {
    public enum Type { QUEUED, STARTED, STEP_STARTED, STEP_FINISHED, FINISHED }
}
