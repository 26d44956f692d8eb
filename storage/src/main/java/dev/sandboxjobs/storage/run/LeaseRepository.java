package dev.sandboxjobs.storage.run;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code engine_leases} table: one row per running engine, renewed by its heartbeat. An
 * engine whose row is not renewed within its lease is dead to the others, which take over its
 * runs; the row is deleted by its engine on close, or by the engine that takes over.
 */
public final class LeaseRepository {
    private static final String COLUMNS = "id, host, pid, worker, started_at, heartbeat_at, lease_ms";

    private final Jdbi jdbi;
    private final WriteGate gate;

    public LeaseRepository(Jdbi jdbi, WriteGate gate) {
        this.jdbi = jdbi;
        this.gate = gate;
    }

    /** An engine's lease: where it runs, whether it executes runs, and when it last renewed. */
    public record Lease(String id, String host, long pid, boolean worker, long startedAt, long heartbeatAt,
                        long leaseMs) {
        /** Whether the lease ran out before {@code now}. */
        public boolean expiredAt(long now) {
            return heartbeatAt + leaseMs < now;
        }
    }

    public void register(Lease l) {
        gate.use(h -> h.createUpdate("insert into engine_leases (" + COLUMNS + ") values (:id, :host, :pid, :worker, "
                        + ":started, :heartbeat, :lease)")
                .bind("id", l.id()).bind("host", l.host()).bind("pid", l.pid()).bind("worker", l.worker() ? 1 : 0)
                .bind("started", l.startedAt()).bind("heartbeat", l.heartbeatAt()).bind("lease", l.leaseMs())
                .execute());
    }

    /** Renews a lease; false when its row is gone (another engine declared this one dead). */
    public boolean renew(String id, long now) {
        return gate.write(h -> h.createUpdate("update engine_leases set heartbeat_at = :now where id = :id")
                .bind("now", now).bind("id", id).execute() == 1);
    }

    /** Deletes a lease; returns whether it existed. */
    public boolean remove(String id) {
        return gate.write(h -> h.createUpdate("delete from engine_leases where id = :id").bind("id", id)
                .execute() == 1);
    }

    public List<Lease> list() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from engine_leases order by started_at, id")
                .map((rs, ctx) -> new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4) == 1,
                        rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .list());
    }
}
