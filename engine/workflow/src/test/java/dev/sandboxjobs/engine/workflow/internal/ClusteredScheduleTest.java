package dev.sandboxjobs.engine.workflow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.PrivatePostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three engines (workers, in this JVM, each with its own connection pool, lease and Quartz node) on
 * one real PostgreSQL database and one cron schedule firing every second: each fire time is fired
 * by exactly one engine and produces exactly one run, executed once (issue 14, docs/scale-out.md).
 *
 * <p>The unique idempotency key {@code schedule:<id>:<fire time>} alone would hide a second fire
 * (its insert does nothing and returns the first run), so the test counts the fires themselves: a
 * trigger it puts on {@code runs} records every attempted insert of a scheduled run, with the
 * {@code application_name} of the engine whose connection made it. Two fires of one fire time —
 * engines that are not one Quartz cluster (a scheduler name per engine, {@code isClustered} off),
 * a trigger re-created by an engine's schedule sync — show up there as a key attempted twice.
 */
@Tag("cluster")
@Tag("reliability")
class ClusteredScheduleTest {
    private static final String SCHEDULE = "every-second";
    private static final int ENGINES = 3;
    private static final Duration FIRING = Duration.ofSeconds(10);

    private final List<RealJobsWorker> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        Collections.reverse(engines);
        engines.forEach(RealJobsWorker::close);
    }

    @Test
    void threeEnginesOnOneDatabaseFireEachCronFireTimeOnceAndRunItOnce() throws Exception {
        PrivatePostgres pg = PrivatePostgres.shared();
        String url = pg.newDatabaseUrl();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        Map<String, List<String>> executedBy = new ConcurrentHashMap<>();

        for (int i = 1; i <= ENGINES; i++) {
            String name = "engine-" + i;
            // pgjdbc's ApplicationName: the trigger below sees which engine's connection submitted
            RealJobsWorker e = RealJobsWorker.open(DatabaseLocation.parse(url + "&ApplicationName=" + name),
                    Clock.systemUTC(), new ObjectMapper(), JobsOptions.defaults(), null);
            engines.add(e);
            e.register(Workflow.named("tick").step(Step.of("noop", ctx -> {
                executedBy.computeIfAbsent(ctx.runId(), k -> new CopyOnWriteArrayList<>()).add(name);
                return StepResult.success();
            })).build());
            if (i == 1) {
                // the first engine migrated the schema: record every submission of a scheduled run
                recordScheduledInserts(pg, database);
            }
        }
        engines.forEach(RealJobsWorker::start);
        awaitClusterOf(pg, database, ENGINES);

        engines.get(0).schedule(ScheduleRequest.cron(SCHEDULE, "* * * * * ?", RunRequest.of("tick").build()));
        Thread.sleep(FIRING.toMillis());
        engines.get(1).deleteSchedule(SCHEDULE);
        // a fire already past Quartz when the schedule went may still be submitting its run
        Thread.sleep(1_000);

        Map<String, List<String>> attempts = attemptsByKey(pg, database);
        List<Run> runs = engines.get(2).list(RunQuery.all().limit(1000)).items().stream()
                .filter(r -> SCHEDULE.equals(r.scheduleId())).toList();
        for (Run r : runs) {
            Run done = engines.get(2).await(r.id(), Duration.ofSeconds(30));
            assertThat(done.state()).as("run %s (%s)", r.id(), r.idempotencyKey()).isEqualTo(RunState.SUCCEEDED);
        }

        Map<String, Long> engineOfFires = attempts.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
        Map<String, Long> engineOfRuns = executedBy.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
        System.out.printf("CLUSTER schedule: %d fire times in %d s on %d engines; fired by %s; executed by %s%n",
                attempts.size(), FIRING.toSeconds(), ENGINES, engineOfFires, engineOfRuns);

        // every fire time was submitted by one engine, once
        assertThat(attempts).as("submissions per fire time (key -> engines that fired it)")
                .allSatisfy((key, firedBy) -> assertThat(firedBy).as(key).hasSize(1));
        // it fired all along (about 10 fire times; a loaded machine may lose a few to misfires)
        assertThat(attempts.size()).as("fire times in %s", FIRING).isGreaterThanOrEqualTo(6);
        // one run per fire time, each executed once
        assertThat(runs).extracting(Run::idempotencyKey).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(attempts.keySet());
        assertThat(executedBy).as("executions per run (run -> engines that ran it)").hasSize(runs.size())
                .allSatisfy((id, ranOn) -> assertThat(ranOn).as(id).hasSize(1));
        // one trigger for the whole cluster, and every engine was a node of that cluster, so any of
        // them could have fired any fire time (which one did is Quartz's business: not asserted)
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            assertThat(longs(s, "select count(*) from qrtz_scheduler_state")).containsExactly((long) ENGINES);
            assertThat(longs(s, "select count(distinct sched_name) from qrtz_scheduler_state")).containsExactly(1L);
        }
    }

    /** Puts a trigger on {@code runs} that logs every insert attempt of a scheduled run, accepted or not. */
    private static void recordScheduledInserts(PrivatePostgres pg, String database) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            s.execute("create table test_schedule_fires (seq bigserial primary key, idempotency_key text not null,"
                    + " engine text not null)");
            // a BEFORE INSERT row trigger runs for a row that "on conflict do nothing" then drops
            s.execute("""
                    create function test_record_schedule_fire() returns trigger language plpgsql as $$
                    begin
                        if new.schedule_id is not null and new.idempotency_key like 'schedule:%' then
                            insert into test_schedule_fires (idempotency_key, engine)
                            values (new.idempotency_key, current_setting('application_name'));
                        end if;
                        return new;
                    end $$""");
            s.execute("create trigger test_record_schedule_fire before insert on runs for each row"
                    + " execute function test_record_schedule_fire()");
        }
    }

    /** Waits until {@code n} Quartz nodes have checked in on the database. */
    private static void awaitClusterOf(PrivatePostgres pg, String database, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            while (longs(s, "select count(*) from qrtz_scheduler_state").get(0) < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the " + n + " engines did not all join the Quartz cluster in 30 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** Each submitted fire time's key, with the engines that submitted it, in order. */
    private static Map<String, List<String>> attemptsByKey(PrivatePostgres pg, String database) throws SQLException {
        Map<String, List<String>> byKey = new TreeMap<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select idempotency_key, engine from test_schedule_fires order by seq")) {
            while (rs.next()) {
                byKey.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return byKey;
    }

    private static List<Long> longs(Statement s, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
