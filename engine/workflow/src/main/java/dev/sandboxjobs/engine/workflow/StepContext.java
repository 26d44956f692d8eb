package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Optional;

/**
 * What a step is given while it runs.
 *
 * <pre>{@code
 * Step.of("test", ctx -> {
 *     ExecResult r = ctx.sandbox(Sandbox.class).exec("cd /workspace/app && make test");
 *     ctx.log().info(r.stdout());
 *     return r.success() ? StepResult.success(Map.of("exit", 0)) : StepResult.failure("tests failed", null);
 * })
 * }</pre>
 */
public interface StepContext {
    /** The run's id. */
    String runId();

    /** This run's attempt, 1 for the first. */
    int attempt();

    /**
     * The run's sandbox.
     *
     * @throws IllegalStateException if the workflow declares no sandbox
     */
    StepSandbox sandbox();

    /**
     * The run's sandbox as {@code type}; with the engine of {@code JobEngine.over(sandboxEngine).worker()}, that is
     * the SDK's {@code dev.sandboxjobs.engine.Sandbox}:
     *
     * <pre>{@code
     * Sandbox sandbox = ctx.sandbox(Sandbox.class);
     * ExecResult r = sandbox.exec("make test");
     * }</pre>
     *
     * @throws IllegalStateException    if the workflow declares no sandbox
     * @throws IllegalArgumentException if the sandbox is not of that type
     */
    default <T> T sandbox(Class<T> type) {
        return sandbox().unwrap(type);
    }

    /** The run's parameters as given at submission (an object node, possibly empty). */
    JsonNode parameters();

    /** Parameter {@code name} converted to {@code type}, or empty if absent or null. */
    <T> Optional<T> parameter(String name, Class<T> type);

    /** The value an earlier step of this run returned, or a missing node if it has none. */
    JsonNode result(String stepName);

    /** The value an earlier step returned, converted to {@code type}. */
    <T> T result(String stepName, Class<T> type);

    /** This step's log. */
    LogSink log();

    /** This run's artifacts. */
    ArtifactStore artifacts();

    /** Whether the run was cancelled or timed out; a step should stop soon when it is. */
    boolean isCancelled();

    /** Throws if the run was cancelled or timed out; cheap enough to call in loops. */
    void checkCancelled();

    /** The engine's clock. */
    Clock clock();
}
