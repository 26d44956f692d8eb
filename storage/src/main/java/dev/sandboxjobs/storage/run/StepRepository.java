package dev.sandboxjobs.storage.run;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code steps} table: one row per step of a run, created with the run. */
public final class StepRepository {
    private static final String COLUMNS = "run_id, idx, name, state, attempt, started_at, finished_at, result, "
            + "failure_type, failure_message, failure_stack, failure_retryable, version";

    private final Jdbi jdbi;
    private final WriteGate gate;

    public StepRepository(Jdbi jdbi, WriteGate gate) {
        this.jdbi = jdbi;
        this.gate = gate;
    }

    public List<StepRow> forRun(String runId) {
        return jdbi.withHandle(h -> forRun(h, runId));
    }

    List<StepRow> forRun(Handle h, String runId) {
        return h.createQuery("select " + COLUMNS + " from steps where run_id = :r order by idx")
                .bind("r", runId)
                .map((rs, ctx) -> new StepRow(rs.getString("run_id"), rs.getInt("idx"), rs.getString("name"),
                        rs.getString("state"), rs.getInt("attempt"), RunRepository.longOrNull(rs, "started_at"),
                        RunRepository.longOrNull(rs, "finished_at"), rs.getString("result"),
                        RunRepository.failure(rs), rs.getLong("version")))
                .list();
    }

    /** Changes a step's state if it is still in {@code from}; returns whether it was. */
    boolean transition(Handle h, String runId, int index, String from, String to, Long startedAt,
                              Long finishedAt, String result, FailureColumns failure, boolean bumpAttempt) {
        StringBuilder sql = new StringBuilder("update steps set state = :to, version = version + 1");
        if (bumpAttempt) {
            sql.append(", attempt = attempt + 1");
        }
        if (startedAt != null) {
            sql.append(", started_at = :started, finished_at = null, result = null, failure_type = null, "
                    + "failure_message = null, failure_stack = null, failure_retryable = null");
        }
        if (finishedAt != null) {
            sql.append(", finished_at = :finished");
        }
        if (result != null) {
            sql.append(", result = :result");
        }
        if (failure != null) {
            sql.append(", failure_type = :ft, failure_message = :fm, failure_stack = :fs, failure_retryable = :fr");
        }
        sql.append(" where run_id = :r and idx = :i and state = :from");
        var u = h.createUpdate(sql.toString()).bind("to", to).bind("r", runId).bind("i", index).bind("from", from)
                .bind("started", startedAt).bind("finished", finishedAt).bind("result", result);
        if (failure != null) {
            u.bind("ft", failure.type()).bind("fm", failure.message()).bind("fs", failure.stackTrace())
                    .bind("fr", failure.retryable() ? 1 : 0);
        }
        return u.execute() == 1;
    }

    public boolean transition(String runId, int index, String from, String to, Long startedAt, Long finishedAt,
                              String result, FailureColumns failure, boolean bumpAttempt) {
        return gate.write(h -> transition(h, runId, index, from, to, startedAt, finishedAt, result, failure,
                bumpAttempt));
    }

    /**
     * Records step {@code index} as succeeded and starts step {@code index + 1}, in one
     * transaction; returns whether both rows were in the expected states.
     */
    public boolean advance(String runId, int index, String running, String succeeded, String queued, long now,
                           String result) {
        return gate.write(h -> {
            boolean done = transition(h, runId, index, running, succeeded, null, now, result, null, false);
            return done && transition(h, runId, index + 1, queued, running, now, null, null, null, true);
        });
    }

    /** Moves every step of a run that is in {@code from} to {@code to}; returns how many moved. */
    int moveAll(Handle h, String runId, String from, String to, Long finishedAt) {
        return h.createUpdate("update steps set state = :to, version = version + 1"
                        + (finishedAt != null ? ", finished_at = :f" : "") + " where run_id = :r and state = :from")
                .bind("to", to).bind("r", runId).bind("from", from).bind("f", finishedAt).execute();
    }
}
