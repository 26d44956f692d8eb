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
            + "failure_retryable, created_at, started_at, finished_at, version, owner, pinned_to";

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
        return insert(run, null);
    }

    /** {@link #insert(NewRun)} pinned to engine {@code pinnedTo} (null: any engine may start it). */
    public Inserted insert(NewRun run, String pinnedTo) {
        return gate.write(h -> {
            // "on conflict do nothing" rather than look-then-insert: two engines on one PostgreSQL
            // database may insert the same key at once; the loser's insert waits for the winner's
            // commit and then inserts nothing, and both return the winner's run.
            int inserted = h.createUpdate("insert into runs (id, workflow, state, priority, parameters, sandbox_spec, labels, "
                            + "idempotency_key, schedule_id, timeout_ms, max_attempts, backoff_initial_ms, "
                            + "backoff_max_ms, backoff_multiplier, backoff_jitter, retry_failed_results, not_before, "
                            + "awaiting_trigger, created_at, pinned_to) values (:id, :workflow, :state, :priority, "
                            + ":parameters, :sandbox, :labels, :key, :schedule, :timeout, :maxAttempts, :initial, :max, "
                            + ":mult, :jitter, :retryFailed, :notBefore, :awaiting, :createdAt, :pinned) "
                            + "on conflict (idempotency_key) do nothing")
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
                    .bind("pinned", pinnedTo)
                    .execute();
            if (inserted == 0) {
                String existing = h.createQuery("select id from runs where idempotency_key = :k")
                        .bind("k", run.idempotencyKey()).mapTo(String.class).one();
                return new Inserted(existing, false);
            }
            long seq = h.createQuery("select seq from runs where id = :id").bind("id", run.id()).mapTo(Long.class).one();
            for (Map.Entry<String, String> label : run.labels().entrySet()) {
                h.createUpdate("insert into run_labels (run_id, name, value, run_seq) values (:r, :n, :v, :seq)")
                        .bind("r", run.id()).bind("n", label.getKey()).bind("v", label.getValue()).bind("seq", seq).execute();
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

    /**
     * Runs matching {@code filter}, newest first. With a label and its value, the label's index
     * drives the query (rows in seq order from {@code run_labels}), so a page costs the same whether
     * the label is on every run or on one run a month ago; otherwise the runs are read in seq order,
     * by state when states are given.
     */
    public List<RunRow> list(RunFilter filter) {
        boolean byLabel = filter.labelName() != null && filter.labelValue() != null;
        String seq = byLabel ? "l.run_seq" : "r.seq";
        StringBuilder sql = new StringBuilder("select " + qualified("r") + " from ");
        sql.append(byLabel ? "run_labels l join runs r on r.id = l.run_id where l.name = :ln and l.value = :lv"
                : "runs r where 1 = 1");
        if (filter.labelName() != null && filter.labelValue() == null) {
            // any value: newest runs first, each checked on the (run_id, name) key
            sql.append(" and exists (select 1 from run_labels n where n.run_id = r.id and n.name = :ln)");
        }
        if (filter.states() != null && !filter.states().isEmpty()) {
            sql.append(" and r.state in (<states>)");
        }
        if (filter.workflow() != null) {
            sql.append(" and r.workflow = :workflow");
        }
        if (filter.createdFrom() != null) {
            sql.append(" and r.created_at >= :from");
        }
        if (filter.createdUntil() != null) {
            sql.append(" and r.created_at < :until");
        }
        if (filter.beforeSeq() != null) {
            sql.append(" and ").append(seq).append(" < :before");
        }
        sql.append(" order by ").append(seq).append(" desc limit :limit");
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

    private static String qualified(String alias) {
        StringBuilder columns = new StringBuilder();
        for (String column : COLUMNS.split(", ")) {
            columns.append(columns.length() == 0 ? "" : ", ").append(alias).append('.').append(column);
        }
        return columns.toString();
    }

    /** How many runs are in each state (state name to count; states without runs are absent). */
    public Map<String, Long> countByState() {
        return jdbi.withHandle(h -> {
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            h.createQuery("select state, count(*) as n from runs group by state")
                    .map((rs, ctx) -> Map.entry(rs.getString("state"), rs.getLong("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    /** One cell of {@link #createdHistogram}: runs created in the bucket starting at {@code start}, by state. */
    public record HistogramCell(long start, String state, long count) {
    }

    /**
     * Runs created since {@code from} (epoch ms), counted per bucket of {@code bucketMs} (aligned
     * on {@code from}) and state, oldest bucket first.
     */
    public List<HistogramCell> createdHistogram(long from, long bucketMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucketMs must be positive, was " + bucketMs);
        }
        return jdbi.withHandle(h -> h.createQuery("select (created_at - :from) / :bucket as b, state, count(*) as n "
                        + "from runs where created_at >= :from group by b, state order by b, state")
                .bind("from", from).bind("bucket", bucketMs)
                .map((rs, ctx) -> new HistogramCell(from + rs.getLong("b") * bucketMs, rs.getString("state"), rs.getLong("n")))
                .list());
    }

    /** Queued runs that may start at {@code now}, in dispatch order: priority, then submission. */
    public List<RunRow> dispatchable(String queuedState, long now, int limit, int offset) {
        return dispatchable(queuedState, now, limit, offset, null);
    }

    /**
     * {@link #dispatchable(String, long, int, int)} as seen by engine {@code engineId}: runs pinned
     * to another engine are left out ({@code null}: every run).
     */
    public List<RunRow> dispatchable(String queuedState, long now, int limit, int offset, String engineId) {
        return dispatchable(queuedState, now, limit, offset, engineId, false);
    }

    /**
     * {@link #dispatchable(String, long, int, int, String)}; with {@code onlyPinned}, only the runs
     * pinned to {@code engineId} (a one-shot engine that runs what it submitted and nothing else).
     */
    public List<RunRow> dispatchable(String queuedState, long now, int limit, int offset, String engineId,
                                     boolean onlyPinned) {
        String pinFilter = engineId == null ? "" : onlyPinned ? "and pinned_to = :me "
                : "and (pinned_to is null or pinned_to = :me) ";
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from runs where state = :s "
                        + "and awaiting_trigger = 0 and (not_before is null or not_before <= :now) "
                        + pinFilter
                        + "order by priority desc, seq asc limit :limit offset :offset")
                .bind("s", queuedState).bind("now", now).bind("limit", limit).bind("offset", offset)
                .bind("me", engineId).map((rs, ctx) -> map(rs)).list());
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
        return claim(ids, from, to, stepFrom, stepTo, now, null, Map.of());
    }

    /**
     * {@link #claim(Collection, String, String, String, String, long)} by engine {@code owner}, which
     * is written on each claimed run, within {@code workflowLimits}: a run whose workflow already has
     * its limit of runs in {@code to} (counted in the database, so across every engine) is skipped.
     * Claims that check limits hold the {@code dispatch} row of {@code engine_locks} (an update: a
     * row lock on PostgreSQL, the write lock on SQLite), so two engines cannot both take the last
     * slot.
     */
    public List<String> claim(Collection<String> ids, String from, String to, String stepFrom, String stepTo,
                              long now, String owner, Map<String, Integer> workflowLimits) {
        return gate.write(h -> {
            Map<String, Integer> running = new java.util.HashMap<>();
            if (!workflowLimits.isEmpty()) {
                h.createUpdate("update engine_locks set name = name where name = 'dispatch'").execute();
                h.createQuery("select workflow, count(*) from runs where state = :to and workflow in (<w>) "
                                + "group by workflow")
                        .bind("to", to).bindList("w", new ArrayList<>(workflowLimits.keySet()))
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                        .forEach(e -> running.put(e.getKey(), e.getValue()));
            }
            List<String> claimed = new ArrayList<>();
            for (String id : ids) {
                String workflow = null;
                Integer limit = null;
                if (!workflowLimits.isEmpty()) {
                    workflow = h.createQuery("select workflow from runs where id = :id").bind("id", id)
                            .mapTo(String.class).findOne().orElse(null);
                    limit = workflow == null ? null : workflowLimits.get(workflow);
                    if (limit != null && running.getOrDefault(workflow, 0) >= limit) {
                        continue;
                    }
                }
                int n = h.createUpdate("update runs set state = :to, attempt = attempt + 1, started_at = :now, "
                                + "not_before = null, owner = :owner, version = version + 1 "
                                + "where id = :id and state = :from")
                        .bind("to", to).bind("now", now).bind("id", id).bind("from", from).bind("owner", owner)
                        .execute();
                if (n == 1) {
                    claimed.add(id);
                    if (limit != null) {
                        running.merge(workflow, 1, Integer::sum);
                    }
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

    /**
     * Runs in {@code state} that no live engine owns: their owner is none of {@code liveOwners}
     * (or the run has no owner).
     */
    public List<RunRow> inStateNotOwnedBy(String state, Collection<String> liveOwners) {
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("select " + COLUMNS + " from runs where state = :s"
                    + (liveOwners.isEmpty() ? "" : " and (owner is null or owner not in (<owners>))") + " order by seq");
            q.bind("s", state);
            if (!liveOwners.isEmpty()) {
                q.bindList("owners", new ArrayList<>(liveOwners));
            }
            return q.map((rs, ctx) -> map(rs)).list();
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
    boolean transition(Handle h, String id, String from, String to, Long expectedVersion, Change c) {
        return transition(h, id, from, to, expectedVersion, c, null);
    }

    /**
     * {@link #transition(Handle, String, String, String, Long, Change)} that also requires the run to
     * be owned by {@code owner} (when not null): an engine that lost a run to another (its lease
     * ran out) cannot record its end. Every transition ends the run's ownership (only a claim
     * moves a run into running).
     */
    boolean transition(Handle h, String id, String from, String to, Long expectedVersion, Change c,
                       String owner) {
        StringBuilder sql = new StringBuilder("update runs set state = :to, owner = null, "
                + "version = version + 1");
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
        if (owner != null) {
            sql.append(" and owner = :owner");
        }
        Update u = h.createUpdate(sql.toString()).bind("to", to).bind("id", id).bind("from", from).bind("owner", owner)
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

    /** Pins a queued run to engine {@code engineId}: no other engine starts it while that engine lives. */
    public void pin(String id, String engineId) {
        gate.use(h -> h.createUpdate("update runs set pinned_to = :e where id = :id").bind("e", engineId)
                .bind("id", id).execute());
    }

    /** Unpins the runs pinned to engines that are none of {@code liveEngines}; returns how many. */
    public int unpinFromDeadEngines(Collection<String> liveEngines) {
        return gate.write(h -> {
            var u = h.createUpdate("update runs set pinned_to = null where pinned_to is not null"
                    + (liveEngines.isEmpty() ? "" : " and pinned_to not in (<live>)"));
            if (!liveEngines.isEmpty()) {
                u.bindList("live", new ArrayList<>(liveEngines));
            }
            return u.execute();
        });
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
                rs.getLong("version"),
                rs.getString("owner"),
                rs.getString("pinned_to"));
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
