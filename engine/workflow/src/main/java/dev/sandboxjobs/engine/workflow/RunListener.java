package dev.sandboxjobs.engine.workflow;

/**
 * Follows runs as they change. Methods are called on the engine's threads after the change is
 * persisted; they should return quickly and never throw (a thrown exception is logged and
 * ignored). Every method does nothing by default.
 */
public interface RunListener {
    RunListener NONE = new RunListener() { };

    default void onQueued(RunEvent event) {
    }

    default void onStarted(RunEvent event) {
    }

    default void onStepStarted(RunEvent event) {
    }

    default void onStepFinished(RunEvent event) {
    }

    default void onFinished(RunEvent event) {
    }
}
