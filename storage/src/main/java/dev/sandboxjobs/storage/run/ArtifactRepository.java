package dev.sandboxjobs.storage.run;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The {@code artifacts} table: named files a step kept, stored with the run. */
public final class ArtifactRepository {
    private final Jdbi jdbi;
    private final WriteGate gate;

    public ArtifactRepository(Jdbi jdbi, WriteGate gate) {
        this.jdbi = jdbi;
        this.gate = gate;
    }

    /** Stores (or replaces) an artifact. */
    public void put(String runId, String name, int stepIndex, byte[] content, long now) {
        gate.use(h -> {
            h.createUpdate("delete from artifacts where run_id = :r and name = :n").bind("r", runId).bind("n", name)
                    .execute();
            h.createUpdate("insert into artifacts (run_id, name, step_idx, size, content, created_at) "
                            + "values (:r, :n, :i, :s, :c, :t)")
                    .bind("r", runId).bind("n", name).bind("i", stepIndex).bind("s", (long) content.length)
                    .bind("c", content).bind("t", now).execute();
        });
    }

    public List<ArtifactRow> list(String runId) {
        return jdbi.withHandle(h -> h.createQuery("select run_id, name, step_idx, size, created_at from artifacts "
                        + "where run_id = :r order by created_at, name")
                .bind("r", runId)
                .map((rs, ctx) -> new ArtifactRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                        rs.getLong(5)))
                .list());
    }

    public Optional<byte[]> content(String runId, String name) {
        return jdbi.withHandle(h -> h.createQuery("select content from artifacts where run_id = :r and name = :n")
                .bind("r", runId).bind("n", name).map((rs, ctx) -> rs.getBytes(1)).findOne());
    }
}
