package dev.sandboxjobs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL as the engine's database: migrated once, shared, and never told its password to anyone. */
class PostgresDatabaseTest {
    private final PrivatePostgres pg = PrivatePostgres.shared();
    private final String url = pg.newDatabaseUrl();

    @Test
    void openingMigratesTheSchemaWithQuartzsTables() {
        try (Database db = Database.open(url)) {
            assertThat(db.dialect()).isEqualTo(Dialect.POSTGRESQL);
            assertThat(query(db, "select value from engine_info where name = 'schema'")).isEqualTo("sandbox-jobs");
            assertThat(query(db, "select count(*) from qrtz_locks")).isEqualTo("0");
            List<String> versions = db.jdbi().withHandle(h -> h.createQuery("select version from "
                    + "flyway_schema_history where success order by installed_rank").mapTo(String.class).list());
            assertThat(versions).startsWith("1", "2", "3", "4", "20").contains("30");
            assertThat(db.integrityCheck()).isEqualTo("ok");
        }
    }

    @Test
    void reopeningKeepsTheData() {
        try (Database db = Database.open(url)) {
            db.jdbi().useHandle(h -> h.execute("insert into engine_info (name, value) values ('k', 'v')"));
        }
        try (Database db = Database.open(url)) {
            assertThat(query(db, "select value from engine_info where name = 'k'")).isEqualTo("v");
        }
    }

    @Test
    void thePasswordIsFoundNeitherInTheLocationNorTheLogsNorTheDatabase() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String location;
        List<String> rows = new ArrayList<>();
        try (Database db = Database.open(url)) {
            location = db.location();
            db.jdbi().useHandle(h -> {
                for (String table : h.createQuery("select table_name from information_schema.tables "
                        + "where table_schema = 'public'").mapTo(String.class).list()) {
                    rows.addAll(h.createQuery("select t::text from " + table + " t").mapTo(String.class).list());
                }
            });
        } finally {
            System.setErr(saved);
        }
        assertThat(location).contains("password=***").doesNotContain(pg.password());
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(pg.password());
        assertThat(rows).isNotEmpty().noneMatch(r -> r.contains(pg.password()));
    }

    @Test
    void aWrongPasswordFailsWithAMessageThatDoesNotRepeatIt() {
        String wrong = url.replace(pg.password(), "not-the-password-42");
        assertThatThrownBy(() -> Database.open(wrong)).isInstanceOf(StorageException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("not-the-password-42");
    }

    @Test
    void anApplicationsDataSourceIsUsedAndLeftOpen() throws Exception {
        DatabaseLocation l = DatabaseLocation.parse(url);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(l.jdbcUrl());
        ds.setUser(l.user());
        ds.setPassword(l.password());
        try (Database db = Database.open(ds)) {
            assertThat(db.dialect()).isEqualTo(Dialect.POSTGRESQL);
            assertThat(db.location()).doesNotContain(pg.password());
            assertThat(query(db, "select value from engine_info where name = 'schema'")).isEqualTo("sandbox-jobs");
        }
        try (var c = ds.getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void enginesStartingAtOnceOnANewDatabaseMigrateItOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opened.add(pool.submit(() -> Database.open(url)));
            }
            for (Future<Database> f : opened) {
                try (Database db = f.get()) {
                    assertThat(query(db, "select count(*) from flyway_schema_history where success"))
                            .isEqualTo(query(db, "select count(*) from flyway_schema_history"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String query(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }
}
