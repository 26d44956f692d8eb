package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request to run a workflow. Only the workflow name is required; unset fields take the
 * workflow's defaults.
 *
 * <pre>{@code
 * Run run = jobs.submit(RunRequest.of("build")
 *         .parameters(Map.of("repo", "https://example.org/app.git"))
 *         .idempotencyKey("build-abc123")
 *         .label("team", "core")
 *         .build());
 * }</pre>
 *
 * @param parameters     an object node (stored as JSON, validated at submit)
 * @param sandbox        overrides the workflow's sandbox, or null
 * @param idempotencyKey a second submit with the same key returns the first run, or null
 * @param timeout        the run's timeout, or null for the workflow's
 * @param retry          the retry policy, or null for the workflow's
 * @param priority       higher runs first; equal priorities run in submission order
 */
public record RunRequest(String workflow, Object parameters, SandboxSpec sandbox, String idempotencyKey,
                         Duration timeout, RetryPolicy retry, Map<String, String> labels, int priority) {
    public RunRequest {
        Objects.requireNonNull(workflow, "workflow");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static Builder of(String workflow) {
        return new Builder(workflow);
    }

    public static final class Builder {
        private final String workflow;
        private Object parameters;
        private SandboxSpec sandbox;
        private String idempotencyKey;
        private Duration timeout;
        private RetryPolicy retry;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private int priority;

        private Builder(String workflow) {
            this.workflow = workflow;
        }

        /** A {@link JsonNode}, a map or any Jackson-serialisable object. */
        public Builder parameters(Object p) {
            this.parameters = p;
            return this;
        }

        public Builder sandbox(SandboxSpec s) {
            this.sandbox = s;
            return this;
        }

        public Builder idempotencyKey(String k) {
            this.idempotencyKey = k;
            return this;
        }

        public Builder timeout(Duration t) {
            this.timeout = t;
            return this;
        }

        public Builder retry(RetryPolicy r) {
            this.retry = r;
            return this;
        }

        public Builder label(String name, String value) {
            labels.put(name, value);
            return this;
        }

        public Builder labels(Map<String, String> l) {
            labels.putAll(l);
            return this;
        }

        public Builder priority(int p) {
            this.priority = p;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(workflow, parameters instanceof JsonNode n ? n.deepCopy() : parameters, sandbox,
                    idempotencyKey, timeout, retry, labels, priority);
        }
    }
}
