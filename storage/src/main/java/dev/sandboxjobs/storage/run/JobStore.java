package dev.sandboxjobs.storage.run;

import dev.sandboxjobs.storage.Database;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * The job engine's repositories over one {@link Database}, sharing one {@link WriteGate} so that
 * this process's writers queue in the JVM rather than in SQLite's busy handler.
 */
public final class JobStore {
    private final WriteGate gate;
    private final RunRepository runs;
    private final StepRepository steps;
    private final LogRepository logs;
    private final ArtifactRepository artifacts;
    private final ScheduleRepository schedules;
    private final LeaseRepository leases;

    public JobStore(Database db) {
        this.gate = new WriteGate(db.jdbi());
        this.runs = new RunRepository(db.jdbi(), gate);
        this.steps = new StepRepository(db.jdbi(), gate);
        this.logs = new LogRepository(db.jdbi(), gate);
        this.artifacts = new ArtifactRepository(db.jdbi(), gate);
        this.schedules = new ScheduleRepository(db.jdbi(), gate);
        this.leases = new LeaseRepository(db.jdbi(), gate);
    }

    /**
     * Runs {@code work} in one write transaction (possibly shared with other writers of this
     * process, each in its own savepoint) and returns its value.
     *
     * <pre>{@code
     * boolean won = store.inTransaction(tx -> tx.transitionRun(id, "QUEUED", "CANCELLED", version, change)
     *         && tx.moveSteps(id, "QUEUED", "CANCELLED", now) >= 0);
     * }</pre>
     */
    public <T> T inTransaction(Function<RunWrites, T> work) {
        return gate.write(h -> work.apply(writes(h)));
    }

    /** {@link #inTransaction} for work that returns nothing. */
    public void useTransaction(Consumer<RunWrites> work) {
        gate.use(h -> work.accept(writes(h)));
    }

    private RunWrites writes(Handle h) {
        return new RunWrites() {
            @Override
            public boolean transitionRun(String runId, String from, String to, Long expectedVersion,
                                         RunRepository.Change change) {
                return runs.transition(h, runId, from, to, expectedVersion, change);
            }

            @Override
            public boolean transitionOwnedRun(String runId, String from, String to, String owner,
                                              RunRepository.Change change) {
                return runs.transition(h, runId, from, to, null, change, owner);
            }

            @Override
            public boolean transitionStep(String runId, int index, String from, String to, Long startedAt,
                                          Long finishedAt, String result, FailureColumns failure, boolean bumpAttempt) {
                return steps.transition(h, runId, index, from, to, startedAt, finishedAt, result, failure, bumpAttempt);
            }

            @Override
            public int moveSteps(String runId, String from, String to, Long finishedAt) {
                return steps.moveAll(h, runId, from, to, finishedAt);
            }
        };
    }

    public RunRepository runs() {
        return runs;
    }

    public StepRepository steps() {
        return steps;
    }

    public LogRepository logs() {
        return logs;
    }

    public ArtifactRepository artifacts() {
        return artifacts;
    }

    public ScheduleRepository schedules() {
        return schedules;
    }

    public LeaseRepository leases() {
        return leases;
    }
}
