package dev.sandboxjobs.storage.run;

import java.util.List;
import java.util.Map;

/** What is inserted when a run is submitted. */
public record NewRun(
        String id,
        String workflow,
        String state,
        int priority,
        String parameters,
        String sandboxSpec,
        Map<String, String> labels,
        String labelsJson,
        String idempotencyKey,
        String scheduleId,
        Long timeoutMs,
        RunRow.RetryColumns retry,
        Long notBefore,
        boolean awaitingTrigger,
        long createdAt,
        List<String> stepNames,
        String stepState) {
}
