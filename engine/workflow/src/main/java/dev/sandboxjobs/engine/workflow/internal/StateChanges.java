package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.run.FailureColumns;
import dev.sandboxjobs.storage.run.JobStore;
import dev.sandboxjobs.storage.run.RunRepository;
import dev.sandboxjobs.storage.run.RunWrites;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one way the engine changes the state of a run or a step: each change is checked against
 * {@link StateMachine}'s tables before it reaches the database, where it applies only if the row is
 * still in the expected state. Nothing else in the engine writes a state.
 */
final class StateChanges {
    private final JobStore store;

    StateChanges(JobStore store) {
        this.store = store;
    }

    /** The state changes of one transaction. */
    static final class Tx {
        private final RunWrites writes;

        private Tx(RunWrites writes) {
            this.writes = writes;
        }

        boolean run(String runId, RunState from, RunState to, Long expectedVersion, RunRepository.Change change) {
            StateMachine.check(StateMachine.Subject.RUN, from, to);
            return writes.transitionRun(runId, from.name(), to.name(), expectedVersion, change);
        }

        /**
         * Changes the state of a run that engine {@code owner} executes, only while it still owns it:
         * an engine whose lease lapsed (and whose run another engine took over) changes nothing.
         */
        boolean ownedRun(String runId, RunState from, RunState to, String owner, RunRepository.Change change) {
            StateMachine.check(StateMachine.Subject.RUN, from, to);
            return writes.transitionOwnedRun(runId, from.name(), to.name(), owner, change);
        }

        boolean step(String runId, int index, RunState from, RunState to, Long startedAt, Long finishedAt,
                     String result, FailureColumns failure, boolean bumpAttempt) {
            StateMachine.check(StateMachine.Subject.STEP, from, to);
            return writes.transitionStep(runId, index, from.name(), to.name(), startedAt, finishedAt, result, failure,
                    bumpAttempt);
        }

        /** Moves every step of the run in {@code from} to {@code to}. */
        int steps(String runId, RunState from, RunState to, Long finishedAt) {
            StateMachine.check(StateMachine.Subject.STEP, from, to);
            return writes.moveSteps(runId, from.name(), to.name(), finishedAt);
        }
    }

    <T> T inTransaction(Function<Tx, T> work) {
        return store.inTransaction(w -> work.apply(new Tx(w)));
    }

    void useTransaction(Consumer<Tx> work) {
        store.useTransaction(w -> work.accept(new Tx(w)));
    }

    /**
     * Claims queued runs for engine {@code owner} (written on each run) and starts their first
     * unfinished step, within {@code workflowLimits} counted across every engine on the database;
     * returns the ids it won.
     */
    List<String> claim(Collection<String> runIds, long now, String owner, Map<String, Integer> workflowLimits) {
        StateMachine.check(StateMachine.Subject.RUN, RunState.QUEUED, RunState.RUNNING);
        StateMachine.check(StateMachine.Subject.STEP, RunState.QUEUED, RunState.RUNNING);
        return store.runs().claim(runIds, RunState.QUEUED.name(), RunState.RUNNING.name(), RunState.QUEUED.name(),
                RunState.RUNNING.name(), now, owner, workflowLimits);
    }

    /** Records step {@code index} as succeeded with {@code result} and starts the next one, in one transaction. */
    boolean advance(String runId, int index, long now, String result) {
        StateMachine.check(StateMachine.Subject.STEP, RunState.RUNNING, RunState.SUCCEEDED);
        StateMachine.check(StateMachine.Subject.STEP, RunState.QUEUED, RunState.RUNNING);
        return store.steps().advance(runId, index, RunState.RUNNING.name(), RunState.SUCCEEDED.name(),
                RunState.QUEUED.name(), now, result);
    }
}
