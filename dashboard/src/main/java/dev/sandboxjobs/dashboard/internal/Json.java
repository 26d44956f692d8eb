package dev.sandboxjobs.dashboard.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandboxjobs.dashboard.DashboardMetrics;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.Failure;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API (documented in docs/dashboard.md). Times are ISO-8601 UTC strings. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode error(String code, String message) {
        return object().put("error", code).put("message", message);
    }

    static ObjectNode run(Run run, Instant now) {
        ObjectNode node = object()
                .put("id", run.id())
                .put("workflow", run.workflow())
                .put("state", run.state().name())
                .put("finished", run.state().isFinished())
                .put("priority", run.priority())
                .put("attempt", run.attempt())
                .put("maxAttempts", run.maxAttempts());
        node.set("labels", MAPPER.valueToTree(run.labels()));
        node.set("parameters", run.parameters());
        node.put("scheduleId", run.scheduleId());
        node.put("idempotencyKey", run.idempotencyKey());
        node.put("timeoutMs", run.timeout() == null ? null : run.timeout().toMillis());
        time(node, "createdAt", run.createdAt());
        time(node, "startedAt", run.startedAt());
        time(node, "finishedAt", run.finishedAt());
        time(node, "notBefore", run.notBefore());
        node.put("durationMs", duration(run.startedAt(), run.finishedAt(), run.state().isFinished(), now));
        node.put("sandboxId", run.sandboxId());
        node.set("result", run.result());
        node.set("failure", failure(run.failure()));
        if (!run.steps().isEmpty()) {
            ArrayNode steps = node.putArray("steps");
            for (StepRun step : run.steps()) {
                ObjectNode s = steps.addObject()
                        .put("index", step.index())
                        .put("name", step.name())
                        .put("state", step.state().name())
                        .put("attempt", step.attempt());
                time(s, "startedAt", step.startedAt());
                time(s, "finishedAt", step.finishedAt());
                s.put("durationMs", duration(step.startedAt(), step.finishedAt(), step.state().isFinished(), now));
                s.set("result", step.result());
                s.set("failure", failure(step.failure()));
            }
        }
        return node;
    }

    private static Long duration(Instant started, Instant finished, boolean over, Instant now) {
        if (started == null) {
            return null;
        }
        Instant end = finished != null ? finished : over ? null : now;
        return end == null ? null : Math.max(0, Duration.between(started, end).toMillis());
    }

    private static ObjectNode failure(Failure failure) {
        if (failure == null) {
            return null;
        }
        return object().put("type", failure.type()).put("message", failure.message())
                .put("stackTrace", failure.stackTrace()).put("retryable", failure.retryable());
    }

    private static void time(ObjectNode node, String field, Instant at) {
        node.put(field, at == null ? null : at.toString());
    }

    static ObjectNode logLine(LogLine line) {
        ObjectNode node = object().put("seq", line.seq()).put("step", line.step()).put("stream", line.stream())
                .put("text", line.text());
        time(node, "at", line.at());
        return node;
    }

    static ObjectNode artifact(ArtifactInfo a) {
        ObjectNode node = object().put("name", a.name()).put("step", a.step()).put("size", a.size());
        time(node, "createdAt", a.createdAt());
        return node;
    }

    static ObjectNode cancel(CancelResult c) {
        return object().put("runId", c.runId()).put("changed", c.changed()).put("state", c.state().name())
                .put("message", c.message());
    }

    static ObjectNode schedule(Schedule s) {
        ObjectNode node = object().put("id", s.id()).put("workflow", s.workflow()).put("cron", s.cron())
                .put("timeZone", s.timeZone().getId()).put("misfirePolicy", s.misfirePolicy().name())
                .put("paused", s.paused());
        time(node, "nextFireTime", s.nextFireTime());
        time(node, "previousFireTime", s.previousFireTime());
        return node;
    }

    static ObjectNode sandbox(SandboxInfo s, Instant now) {
        ObjectNode node = object().put("id", s.id()).put("status", s.status().name()).put("image", s.image())
                .put("containerId", s.containerId());
        node.set("labels", MAPPER.valueToTree(s.labels()));
        time(node, "createdAt", s.createdAt());
        time(node, "lastActivityAt", s.lastActivityAt());
        node.put("ageMs", s.createdAt() == null ? null : Duration.between(s.createdAt(), now).toMillis());
        return node;
    }

    static ObjectNode statistics(RunStatistics stats) {
        ObjectNode node = object().put("total", stats.total());
        node.set("byState", counts(stats.byState()));
        ObjectNode chart = node.putObject("created");
        chart.put("since", stats.since().toString()).put("bucketMs", stats.bucket().toMillis());
        ArrayNode buckets = chart.putArray("buckets");
        for (RunStatistics.Bucket b : stats.created()) {
            ObjectNode bucket = buckets.addObject().put("start", b.start().toString()).put("total", b.total());
            bucket.set("byState", counts(b.byState()));
        }
        return node;
    }

    private static ObjectNode counts(Map<RunState, Long> byState) {
        ObjectNode node = object();
        for (RunState state : RunState.values()) {
            node.put(state.name(), byState.getOrDefault(state, 0L));
        }
        return node;
    }

    static ArrayNode metrics(List<DashboardMetrics.Reading> readings) {
        ArrayNode array = MAPPER.createArrayNode();
        for (DashboardMetrics.Reading r : readings) {
            ObjectNode node = array.addObject().put("name", r.name()).put("value", r.value()).put("unit", r.unit());
            node.set("tags", MAPPER.valueToTree(r.tags()));
        }
        return array;
    }
}
