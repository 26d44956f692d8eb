package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sandboxjobs.engine.workflow.ArtifactStore;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.LogSink;
import dev.sandboxjobs.engine.workflow.StepContext;
import dev.sandboxjobs.engine.workflow.StepSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

final class StepContextImpl implements StepContext {
    static final int MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

    private final RunExecution execution;
    private final int stepIndex;
    private final StepSandbox sandbox;
    private final JsonNode parameters;
    private final Map<String, JsonNode> results;

    StepContextImpl(RunExecution execution, int stepIndex, StepSandbox sandbox, JsonNode parameters,
                    Map<String, JsonNode> results) {
        this.execution = execution;
        this.stepIndex = stepIndex;
        this.sandbox = sandbox;
        this.parameters = parameters;
        this.results = results;
    }

    @Override
    public String runId() {
        return execution.runId;
    }

    @Override
    public int attempt() {
        return execution.attempt();
    }

    @Override
    public StepSandbox sandbox() {
        if (sandbox == null) {
            throw new IllegalStateException("Workflow " + execution.workflow.name()
                    + " declares no sandbox; give it one with Workflow.Builder.sandbox(...)");
        }
        return sandbox;
    }

    @Override
    public JsonNode parameters() {
        return parameters;
    }

    @Override
    public <T> Optional<T> parameter(String name, Class<T> type) {
        JsonNode n = parameters.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(execution.services.json().mapper().treeToValue(n, type));
        } catch (IOException e) {
            throw new JobException(JobErrorCode.INVALID_PARAMETERS, "Parameter " + name + " is not a "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JsonNode result(String stepName) {
        JsonNode n = results.get(stepName);
        return n == null ? MissingNode.getInstance() : n;
    }

    @Override
    public <T> T result(String stepName, Class<T> type) {
        try {
            return execution.services.json().mapper().treeToValue(result(stepName), type);
        } catch (IOException e) {
            throw new IllegalArgumentException("The result of step " + stepName + " is not a "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public LogSink log() {
        return (stream, line) -> execution.services.logs().add(execution.runId, stepIndex, stream,
                execution.services.clock().millis(), line);
    }

    @Override
    public ArtifactStore artifacts() {
        return new ArtifactStore() {
            @Override
            public void put(String name, byte[] content) {
                if (content.length > MAX_ARTIFACT_BYTES) {
                    throw new JobException(JobErrorCode.INVALID_ARGUMENT, "Artifact " + name + " has "
                            + content.length + " bytes; the limit is " + MAX_ARTIFACT_BYTES + ".");
                }
                execution.services.store().artifacts().put(execution.runId, name, stepIndex, content,
                        execution.services.clock().millis());
            }

            @Override
            public void put(String name, InputStream content) throws IOException {
                byte[] bytes = content.readNBytes(MAX_ARTIFACT_BYTES + 1);
                put(name, bytes);
            }

            @Override
            public void putFile(String name, Path file) throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    put(name, in);
                }
            }
        };
    }

    @Override
    public boolean isCancelled() {
        return execution.isInterrupted();
    }

    @Override
    public void checkCancelled() {
        if (execution.isInterrupted()) {
            throw new CancellationException("Run " + execution.runId + " was cancelled or timed out");
        }
    }

    @Override
    public Clock clock() {
        return execution.services.clock();
    }
}
