package dev.sandboxjobs.storage.run;

/**
 * The state changes of runs and steps inside one write transaction of {@link JobStore#inTransaction}:
 * either all of them are committed or none. States are the job engine's state names; each change
 * applies only if the row is still in {@code from} (and, for a run, at {@code expectedVersion}
 * when that is not null), and says whether it did.
 */
public interface RunWrites {
    /** Changes a run's state; see {@link RunRepository.Change} for the columns written with it. */
    boolean transitionRun(String runId, String from, String to, Long expectedVersion, RunRepository.Change change);

    /**
     * {@link #transitionRun} that applies only while the run is owned by {@code owner}: the engine
     * that claimed it. An engine that lost the run to another (its lease ran out) changes nothing.
     */
    boolean transitionOwnedRun(String runId, String from, String to, String owner, RunRepository.Change change);

    /** Changes one step's state, with its timings, result and failure. */
    boolean transitionStep(String runId, int index, String from, String to, Long startedAt, Long finishedAt,
                           String result, FailureColumns failure, boolean bumpAttempt);

    /** Moves every step of a run that is in {@code from} to {@code to}; returns how many moved. */
    int moveSteps(String runId, String from, String to, Long finishedAt);
}
