package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.RunState.CANCELLED;
import static dev.sandboxjobs.engine.workflow.RunState.FAILED;
import static dev.sandboxjobs.engine.workflow.RunState.QUEUED;
import static dev.sandboxjobs.engine.workflow.RunState.RUNNING;
import static dev.sandboxjobs.engine.workflow.RunState.SUCCEEDED;
import static dev.sandboxjobs.engine.workflow.RunState.TIMED_OUT;

import dev.sandboxjobs.engine.workflow.IllegalStateTransitionException;
import dev.sandboxjobs.engine.workflow.RunState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed state changes of runs and of steps: one table each, over the one {@link RunState}
 * enum, and one guard, {@link #check}, that every state change in the engine goes through: the
 * engine changes states only through {@link StateChanges}, which checks each change here before
 * it reaches the database.
 *
 * <p>Runs: {@code QUEUED → RUNNING | CANCELLED}; {@code RUNNING → SUCCEEDED | FAILED | CANCELLED |
 * TIMED_OUT}, or back to {@code QUEUED} for a retry or crash recovery. Finished runs never change.
 *
 * <p>Steps: the same, plus {@code SUCCEEDED → QUEUED} when a retry or recovery starts the run again
 * from scratch in a new sandbox (the old sandbox's state is gone, so the step must run again).
 */
final class StateMachine {
    enum Subject { RUN, STEP }

    private static final Map<RunState, Set<RunState>> RUN = new EnumMap<>(RunState.class);
    private static final Map<RunState, Set<RunState>> STEP = new EnumMap<>(RunState.class);

    static {
        for (RunState s : RunState.values()) {
            RUN.put(s, EnumSet.noneOf(RunState.class));
            STEP.put(s, EnumSet.noneOf(RunState.class));
        }
        RUN.get(QUEUED).addAll(EnumSet.of(RUNNING, CANCELLED));
        RUN.get(RUNNING).addAll(EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, QUEUED));
        STEP.get(QUEUED).addAll(EnumSet.of(RUNNING, CANCELLED));
        STEP.get(RUNNING).addAll(EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, QUEUED));
        STEP.get(SUCCEEDED).add(QUEUED);
    }

    private StateMachine() {
    }

    static boolean allowed(Subject subject, RunState from, RunState to) {
        return (subject == Subject.RUN ? RUN : STEP).get(from).contains(to);
    }

    /** Throws {@link IllegalStateTransitionException} unless {@code from → to} is allowed. */
    static void check(Subject subject, RunState from, RunState to) {
        if (!allowed(subject, from, to)) {
            throw new IllegalStateTransitionException(subject == Subject.RUN ? "A run" : "A step", from, to);
        }
    }
}
