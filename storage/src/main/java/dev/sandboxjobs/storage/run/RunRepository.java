package dev.sandboxjobs.storage.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * The {@code runs} table (with {@code run_labels} and the run's {@code steps} rows at insert).
 * State changes are guarded: an update names the state and version it expects, and reports
 * whether it won.
 */
public final class RunRepository {
    static final String COLUMNS = "seq, id, workflow, state, priority, parameters, sandbox_spec, labels, "
            + "idempotency_key, schedule_id, timeout_ms, max_attempts, backoff_initial_ms, backoff_max_ms, "
            + "backoff_multiplier, backoff_jitter, retry_failed_results, attempt, not_before, awaiting_trigger, "
            + "cancel_requested, sandbox_id, result, failure_type, failure_message, failure_stack, "
            + "failure_retryable, created_at, started_at, finished_at, version";

    private final Jdbi jdbi;
    private final WriteGate gate;

    public RunRepository(Jdbi jdbi, WriteGate gate) {
        this.jdbi = jdbi;
        this.gate = gate;
    }

    /** The outcome of an insert: the run's id and whether it is new (false: idempotency key hit). */
    public record Inserted(String id, boolean created) {
    }

    /**
     * Inserts a run with its labels and steps, unless a run with the same idempotency key exists,
     * in which case that run's id is returned.
     */
    public Inserted insert(NewRun run) {
        return gate.write(h -> {
            if (run.idempotencyKey() != null) {
                Optional<String> existing = h.createQuery("select id from runs where idempotency_key = :k")
                        .bind("k", run.idempotencyKey()).mapTo(String.class).findOne();
                if (existing.isPresent()) {
                    return new Inserted(existing.get(), false);
                }
            }
            h.createUpdate("insert into runs (id, workflow, state, priority, parameters, sandbox_spec, labels, "
                            + "idempotency_key, schedule_id, timeout_ms, max_attempts, backoff_initial_ms, "
                            + "backoff_max_ms, backoff_multiplier, backoff_jitter, retry_failed_results, not_before, "
                            + "awaiting_trigger, created_at) values (:id, :workflow, :state, :priority, :parameters, "
                            + ":sandbox, :labels, :key, :schedule, :timeout, :maxAttempts, :initial, :max, :mult, "
                            + ":jitter, :retryFailed, :notBefore, :awaiting, :createdAt)")
                    .bind("id", run.id())
                    .bind("workflow", run.workflow())
                    .bind("state", run.state())
                    .bind("priority", run.priority())
                    .bind("parameters", run.parameters())
                    .bind("sandbox", run.sandboxSpec())
                    .bind("labels", run.labelsJson())
                    .bind("key", run.idempotencyKey())
                    .bind("schedule", run.scheduleId())
                    .bind("timeout", run.timeoutMs())
                    .bind("maxAttempts", run.retry().maxAttempts())
                    .bind("initial", run.retry().initialMs())
                    .bind("max", run.retry().maxMs())
                    .bind("mult", run.retry().multiplier())
                    .bind("jitter", run.retry().jitter())
                    .bind("retryFailed", run.retry().retryFailedResults() ? 1 : 0)
                    .bind("notBefore", run.notBefore())
                    .bind("awaiting", run.awaitingTrigger() ? 1 : 0)
                    .bind("createdAt", run.createdAt())
                    .execute();
            for (Map.Entry<String, String> label : run.labels().entrySet()) {
                h.createUpdate("insert into run_labels (run_id, name, value) values (:r, :n, :v)")
                        .bind("r", run.id()).bind("n", label.getKey()).bind("v", label.getValue()).execute();
            }
            for (int i = 0; i < run.stepNames().size(); i++) {
                h.createUpdate("insert into steps (run_id, idx, name, state) values (:r, :i, :n, :s)")
                        .bind("r", run.id()).bind("i", i).bind("n", run.stepNames().get(i))
                        .bind("s", run.stepState()).execute();
            }
            return new Inserted(run.id(), true);
        });
    }

    public Optional<RunRow> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    /** Runs matching {@code filter}, newest first. */
    public List<RunRow> list(RunFilter filter) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from runs r where 1 = 1");
        if (filter.states() != null && !filter.states().isEmpty()) {
            sql.append(" and state in (<states>)");
        }
        if (filter.workflow() != null) {
            sql.append(" and workflow = :workflow");
        }
        if (filter.labelName() != null) {
            sql.append(" and exists (select 1 from run_labels l where l.run_id = r.id and l.name = :ln");
            sql.append(filter.labelValue() != null ? " and l.value = :lv)" : ")");
        }
        if (filter.createdFrom() != null) {
            sql.append(" and created_at >= :from");
        }
        if (filter.createdUntil() != null) {
            sql.append(" and created_at < :until");
        }
        if (filter.beforeSeq() != null) {
            sql.append(" and seq < :before");
        }
        sql.append(" order by seq desc limit :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString());
            if (filter.states() != null && !filter.states().isEmpty()) {
                q.bindList("states", new ArrayList<>(filter.states()));
            }
            q.bind("workflow", filter.workflow()).bind("ln", filter.labelName()).bind("lv", filter.labelValue())
                    .bind("from", filter.createdFrom()).bind("until", filter.createdUntil())
                    .bind("before", filter.beforeSeq()).bind("limit", filter.limit());
            return q.map((rs, ctx) -> map(rs)).list();
        });
    }

    /** Queued runs that may start at {@code now}, in dispatch order: priority, then submission. */
    public List<RunRow> dispatchable(String queuedState, long now, int limit, int offset) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where state = :s "
                        + "and awaiting_trigger = 0 and (not_before is null or not_before <= :now) "
                        + "order by priority desc, seq asc limit :limit offset :offset")
                .bind("s", queuedState).bind("now", now).bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> map(rs)).list());
    }

    /** The earliest future {@code not_before} of a queued run, if any (to wake the dispatcher). */
    public Optional<Long> nextNotBefore(String queuedState, long now) {
        return jdbi.withHandle(h -> h.createQuery("select min(not_before) from runs where state = :s "
                        + "and awaiting_trigger = 0 and not_before > :now")
                .bind("s", queuedState).bind("now", now).mapTo(Long.class).findOne());
    }

    public List<RunRow> inState(String state) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where state = :s order by seq")
                .bind("s", state).map((rs, ctx) -> map(rs)).list());
    }

    /**
     * Moves every listed run from {@code from} to {@code to} (claiming them), bumping attempt and
     * version, and moves each claimed run's first step in {@code stepFrom} to {@code stepTo}, in one
     * transaction; returns the ids that were still in {@code from}.
     */
    public List<String> claim(Collection<String> ids, String from, String to, String stepFrom, String stepTo,
                              long now) {
        return gate.write(h -> {
            List<String> claimed = new ArrayList<>();
            for (String id : ids) {
                int n = h.createUpdate("update runs set state = :to, attempt = attempt + 1, started_at = :now, "
                                + "not_before = null, version = version + 1 where id = :id and state = :from")
                        .bind("to", to).bind("now", now).bind("id", id).bind("from", from).execute();
                if (n == 1) {
                    claimed.add(id);
                    h.createUpdate("update steps set state = :to, attempt = attempt + 1, started_at = :now, "
                                    + "finished_at = null, result = null, failure_type = null, failure_message = null, "
                                    + "failure_stack = null, failure_retryable = null, version = version + 1 "
                                    + "where run_id = :id and idx = (select min(idx) from steps "
                                    + "where run_id = :id and state = :from)")
                            .bind("to", stepTo).bind("now", now).bind("id", id).bind("from", stepFrom).execute();
                }
            }
            return claimed;
        });
    }

    /** Column values written with a state change; null fields are left as they are unless cleared. */
    public record Change(String result, FailureColumns failure, Long startedAt, Long finishedAt, Long notBefore,
                         boolean clearSandbox, boolean clearFailure) {
        public static Change none() {
            return new Change(null, null, null, null, null, false, false);
        }
    }

    /**
     * Changes a run's state if it is still in {@code from} (and at {@code expectedVersion} when
     * that is not null). Returns whether this writer won.
     */
    public boolean transition(Handle h, String id, String from, String to, Long expectedVersion, Change c) {
        StringBuilder sql = new StringBuilder("update runs set state = :to, version = version + 1");
        if (c.result() != null) {
            sql.append(", result = :result");
        }
        if (c.failure() != null) {
            sql.append(", failure_type = :ft, failure_message = :fm, failure_stack = :fs, failure_retryable = :fr");
        } else if (c.clearFailure()) {
            sql.append(", failure_type = null, failure_message = null, failure_stack = null, failure_retryable = null");
        }
        if (c.startedAt() != null) {
            sql.append(", started_at = :started");
        }
        if (c.finishedAt() != null) {
            sql.append(", finished_at = :finished");
        }
        if (c.notBefore() != null) {
            sql.append(", not_before = :notBefore");
        }
        if (c.clearSandbox()) {
            sql.append(", sandbox_id = null");
        }
        sql.append(" where id = :id and state = :from");
        if (expectedVersion != null) {
            sql.append(" and version = :version");
        }
        Update u = h.createUpdate(sql.toString()).bind("to", to).bind("id", id).bind("from", from)
                .bind("version", expectedVersion).bind("result", c.result())
                .bind("started", c.startedAt()).bind("finished", c.finishedAt()).bind("notBefore", c.notBefore());
        if (c.failure() != null) {
            u.bind("ft", c.failure().type()).bind("fm", c.failure().message())
                    .bind("fs", c.failure().stackTrace()).bind("fr", c.failure().retryable() ? 1 : 0);
        }
        return u.execute() == 1;
    }

    public boolean transition(String id, String from, String to, Long expectedVersion, Change c) {
        return gate.write(h -> transition(h, id, from, to, expectedVersion, c));
    }

    public void setSandbox(String id, String sandboxId) {
        gate.use(h -> h.createUpdate("update runs set sandbox_id = :s where id = :id")
                .bind("s", sandboxId).bind("id", id).execute());
    }

    public void requestCancel(String id) {
        gate.use(h -> h.createUpdate("update runs set cancel_requested = 1 where id = :id").bind("id", id).execute());
    }

    /** Releases a run that waited for its Quartz trigger; returns whether it was waiting. */
    public boolean releaseTrigger(String id) {
        return gate.write(h -> h.createUpdate("update runs set awaiting_trigger = 0, not_before = null "
                + "where id = :id and awaiting_trigger = 1").bind("id", id).execute() == 1);
    }

    /** Deletes runs that finished before {@code cutoff}, with their steps, labels, logs and artifacts. */
    public int deleteFinishedBefore(long cutoff, Collection<String> finishedStates, int batch) {
        return gate.write(h -> {
            List<String> ids = h.createQuery("select id from runs where finished_at < :c and state in (<states>) "
                            + "order by finished_at limit :batch")
                    .bind("c", cutoff).bindList("states", new ArrayList<>(finishedStates)).bind("batch", batch)
                    .mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            for (String table : List.of("step_logs", "artifacts", "steps", "run_labels")) {
                h.createUpdate("delete from " + table + " where run_id in (<ids>)").bindList("ids", ids).execute();
            }
            return h.createUpdate("delete from runs where id in (<ids>)").bindList("ids", ids).execute();
        });
    }

    public WriteGate gate() {
        return gate;
    }

    static RunRow map(ResultSet rs) throws SQLException {
        return new RunRow(
                rs.getLong("seq"),
                rs.getString("id"),
                rs.getString("workflow"),
                rs.getString("state"),
                rs.getInt("priority"),
                rs.getString("parameters"),
                rs.getString("sandbox_spec"),
                rs.getString("labels"),
                rs.getString("idempotency_key"),
                rs.getString("schedule_id"),
                longOrNull(rs, "timeout_ms"),
                new RunRow.RetryColumns(rs.getInt("max_attempts"), rs.getLong("backoff_initial_ms"),
                        rs.getLong("backoff_max_ms"), rs.getDouble("backoff_multiplier"),
                        rs.getDouble("backoff_jitter"), rs.getInt("retry_failed_results") == 1),
                rs.getInt("attempt"),
                longOrNull(rs, "not_before"),
                rs.getInt("awaiting_trigger") == 1,
                rs.getInt("cancel_requested") == 1,
                rs.getString("sandbox_id"),
                rs.getString("result"),
                failure(rs),
                rs.getLong("created_at"),
                longOrNull(rs, "started_at"),
                longOrNull(rs, "finished_at"),
                rs.getLong("version"));
    }

    static FailureColumns failure(ResultSet rs) throws SQLException {
        String type = rs.getString("failure_type");
        if (type == null) {
            return null;
        }
        return new FailureColumns(type, rs.getString("failure_message"), rs.getString("failure_stack"),
                rs.getInt("failure_retryable") == 1);
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
