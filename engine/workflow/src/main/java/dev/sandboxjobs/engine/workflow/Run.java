package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run of a workflow as persisted. {@link JobsClient#get(String)} fills {@link #steps()};
 * {@link JobsClient#list(RunQuery)} leaves it empty.
 *
 * @param attempt   how many times the run was started (retries and crash recovery count)
 * @param result    the result of the last step that ran, or null
 * @param sandboxId the sandbox of the current attempt, or null
 */
public record Run(String id, String workflow, RunState state, int priority, JsonNode parameters,
                  Map<String, String> labels, String idempotencyKey, String scheduleId, int attempt,
                  int maxAttempts, Duration timeout, Instant createdAt, Instant startedAt, Instant finishedAt,
                  Instant notBefore, String sandboxId, JsonNode result, Failure failure, List<StepRun> steps) {

    /** The step with this name, if the run has one. */
    public StepRun step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Run " + id + " has no step named " + name));
    }
}
