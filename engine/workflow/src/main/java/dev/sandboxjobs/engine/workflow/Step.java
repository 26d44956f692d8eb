package dev.sandboxjobs.engine.workflow;

import java.time.Duration;
import java.util.Objects;

/**
 * One named unit of work in a {@link Workflow}. A step should be safe to run again: after a crash
 * the step that was in flight runs once more (at least once).
 *
 * <pre>{@code
 * Step test = Step.of("test", ctx -> {
 *     ctx.log().info("running the suite");
 *     return StepResult.success(Map.of("passed", 12));
 * });
 * }</pre>
 */
public interface Step {
    /** The step's name, unique within its workflow. */
    String name();

    /**
     * Does the work. Return {@link StepResult#success(Object)} or {@link StepResult#failure}; throw
     * {@link InfrastructureFault} for a fault worth retrying, anything else for a fault that fails
     * the run. Long work should call {@link StepContext#checkCancelled()} now and then.
     */
    StepResult execute(StepContext context) throws Exception;

    /** This step's own timeout, or null for the workflow's default. */
    default Duration timeout() {
        return null;
    }

    /** The body of a step given as a lambda. */
    @FunctionalInterface
    interface Body {
        StepResult execute(StepContext context) throws Exception;
    }

    static Step of(String name, Body body) {
        return of(name, null, body);
    }

    static Step of(String name, Duration timeout, Body body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public StepResult execute(StepContext context) throws Exception {
                return body.execute(context);
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public String toString() {
                return "Step[" + name + "]";
            }
        };
    }
}
