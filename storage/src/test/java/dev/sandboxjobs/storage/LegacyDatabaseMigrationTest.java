package dev.sandboxjobs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.testing.LegacyDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database written by 0.1 (two engine ids) opens with one engine id and keeps its rows. */
class LegacyDatabaseMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseOfZeroPointOneKeepsTheSandboxEnginesIdAndMovesQuartzToTheSchedulerNamedAfterIt() {
        try (Database db = Database.openSqlite(LegacyDatabases.main041c812(dir))) {
            assertThat(db.engineId()).isEqualTo(LegacyDatabases.MAIN_041C812_ENGINE_ID);
            assertThat(strings(db, "select name from engine_info order by name")).containsExactly("engine_id", "schema");

            String scheduler = "sandbox-jobs-" + LegacyDatabases.MAIN_041C812_ENGINE_ID;
            for (String table : List.of("qrtz_job_details", "qrtz_triggers", "qrtz_cron_triggers",
                    "qrtz_simple_triggers", "qrtz_locks")) {
                assertThat(strings(db, "select distinct sched_name from " + table)).as(table).containsExactly(scheduler);
            }
            assertThat(strings(db, "select trigger_name from qrtz_triggers order by trigger_name"))
                    .containsExactlyInAnyOrder(LegacyDatabases.MAIN_041C812_TIMED_RUN, "nightly");
            assertThat(strings(db, "select id || ' ' || state from runs order by state")).containsExactly(
                    LegacyDatabases.MAIN_041C812_TIMED_RUN + " QUEUED", LegacyDatabases.MAIN_041C812_DONE_RUN + " SUCCEEDED");
            assertThat(strings(db, "select id from sandboxes")).containsExactly("kept-sandbox");
            assertThat(strings(db, "select id from schedules")).containsExactly("nightly");
            assertThat(db.integrityCheck()).isEqualTo("ok");
            assertThat(rows(db, "pragma foreign_key_check")).isEmpty();
        }
    }

    @Test
    void aDatabaseThatOnlyEverHadTheJobEnginesIdKeepsThatOne() throws Exception {
        Path file = LegacyDatabases.main041c812(dir);
        // the shape of a 0.1 database that only a job engine opened, made before any migration runs
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("delete from engine_info where name in ('engine_id', 'engine-id')");
            st.execute("insert into engine_info (name, value) values ('engine-id', 'only-the-jobs-id')");
        }
        try (Database db = Database.openSqlite(file)) {
            assertThat(db.engineId()).isEqualTo("only-the-jobs-id");
            assertThat(strings(db, "select name from engine_info order by name")).containsExactly("engine_id", "schema");
        }
    }

    @Test
    void aNewDatabaseHasOneEngineIdThatStaysTheSame() {
        Path file = dir.resolve("new.db");
        String first;
        try (Database db = Database.openSqlite(file)) {
            first = db.engineId();
            assertThat(db.engineId()).isEqualTo(first);
        }
        try (Database db = Database.openSqlite(file)) {
            assertThat(db.engineId()).isEqualTo(first);
            assertThat(strings(db, "select name from engine_info order by name")).containsExactly("engine_id", "schema");
        }
    }

    private static List<String> strings(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static List<Map<String, Object>> rows(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
    }
}
