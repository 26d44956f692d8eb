package dev.sandboxjobs.storage.run;

import dev.sandboxjobs.storage.Database;

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

    public JobStore(Database db) {
        this.gate = new WriteGate(db.jdbi());
        this.runs = new RunRepository(db.jdbi(), gate);
        this.steps = new StepRepository(db.jdbi(), gate);
        this.logs = new LogRepository(db.jdbi(), gate);
        this.artifacts = new ArtifactRepository(db.jdbi(), gate);
        this.schedules = new ScheduleRepository(db.jdbi(), gate);
    }

    public WriteGate gate() {
        return gate;
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
}
