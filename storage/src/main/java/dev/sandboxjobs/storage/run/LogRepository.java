package dev.sandboxjobs.storage.run;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The {@code step_logs} table: append-only lines, read by sequence. */
public final class LogRepository {
    private final Jdbi jdbi;
    private final WriteGate gate;

    public LogRepository(Jdbi jdbi, WriteGate gate) {
        this.jdbi = jdbi;
        this.gate = gate;
    }

    /** Appends lines in one transaction ({@code seq} of the rows is ignored). */
    public void append(List<LogRow> lines) {
        if (lines.isEmpty()) {
            return;
        }
        gate.use(h -> {
            PreparedBatch batch = h.prepareBatch(
                    "insert into step_logs (run_id, step_idx, stream, at, line) values (:r, :i, :s, :a, :l)");
            for (LogRow l : lines) {
                batch.bind("r", l.runId()).bind("i", l.stepIndex()).bind("s", l.stream()).bind("a", l.at())
                        .bind("l", l.line()).add();
            }
            batch.execute();
        });
    }

    /** Lines of a run written after {@code afterSeq}, oldest first, at most {@code limit}. */
    public List<LogRow> after(String runId, long afterSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select seq, run_id, step_idx, stream, at, line from step_logs "
                        + "where run_id = :r and seq > :after order by seq limit :limit")
                .bind("r", runId).bind("after", afterSeq).bind("limit", limit)
                .map((rs, ctx) -> new LogRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getLong(5), rs.getString(6)))
                .list());
    }
}
