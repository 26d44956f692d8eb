package dev.sandboxjobs.storage.run;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code schedules} table. */
public final class ScheduleRepository {
    private static final String COLUMNS = "id, workflow, cron, time_zone, misfire_policy, request, paused, "
            + "created_at, version";

    private final Jdbi jdbi;
    private final WriteGate gate;

    public ScheduleRepository(Jdbi jdbi, WriteGate gate) {
        this.jdbi = jdbi;
        this.gate = gate;
    }

    /** Inserts a schedule; returns false if one with this id exists. */
    public boolean insert(ScheduleRow s) {
        return gate.write(h -> {
            if (find(h, s.id()).isPresent()) {
                return false;
            }
            h.createUpdate("insert into schedules (" + COLUMNS + ") values (:id, :w, :c, :tz, :m, :r, :p, :t, 0)")
                    .bind("id", s.id()).bind("w", s.workflow()).bind("c", s.cron()).bind("tz", s.timeZone())
                    .bind("m", s.misfirePolicy()).bind("r", s.request()).bind("p", s.paused() ? 1 : 0)
                    .bind("t", s.createdAt()).execute();
            return true;
        });
    }

    public Optional<ScheduleRow> find(String id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    private static Optional<ScheduleRow> find(Handle h, String id) {
        return h.createQuery("select " + COLUMNS + " from schedules where id = :id").bind("id", id)
                .map((rs, ctx) -> new ScheduleRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7) == 1, rs.getLong(8),
                        rs.getLong(9)))
                .findOne();
    }

    public List<ScheduleRow> list() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from schedules order by created_at, id")
                .map((rs, ctx) -> new ScheduleRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7) == 1, rs.getLong(8),
                        rs.getLong(9)))
                .list());
    }

    public boolean setPaused(String id, boolean paused) {
        return gate.write(h -> h.createUpdate("update schedules set paused = :p, version = version + 1 where id = :id")
                .bind("p", paused ? 1 : 0).bind("id", id).execute() == 1);
    }

    public boolean delete(String id) {
        return gate.write(h -> h.createUpdate("delete from schedules where id = :id").bind("id", id).execute() == 1);
    }
}
