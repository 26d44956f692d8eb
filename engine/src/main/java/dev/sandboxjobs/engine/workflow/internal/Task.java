package dev.sandboxjobs.engine.workflow.internal;

/** A periodic duty of the engine, run on its own schedule. */
interface Task {
    String name();

    void run();
}
