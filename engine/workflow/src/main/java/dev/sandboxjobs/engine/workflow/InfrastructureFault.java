package dev.sandboxjobs.engine.workflow;

/**
 * Thrown by a step (or the engine) when the failure lies in the infrastructure, not in the work:
 * Docker unreachable, a lost container, a network error. The run is retried under its
 * {@link RetryPolicy}.
 */
public class InfrastructureFault extends RuntimeException {
    public InfrastructureFault(String message) {
        super(message);
    }

    public InfrastructureFault(String message, Throwable cause) {
        super(message, cause);
    }
}
