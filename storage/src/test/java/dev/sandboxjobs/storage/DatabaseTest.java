package dev.sandboxjobs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void openingCreatesAMigratedWalDatabase() {
        try (Database db = Database.openSqlite(dir.resolve("nested/engine.db"))) {
            assertThat(query(db, "pragma journal_mode"))
                    .isEqualTo("wal");
            assertThat(query(db, "select value from engine_info where name = 'schema'")).isEqualTo("sandbox-jobs");
            assertThat(db.integrityCheck()).isEqualTo("ok");
        }
    }

    @Test
    void reopeningAnExistingDatabaseKeepsItsData() {
        Path file = dir.resolve("engine.db");
        try (Database db = Database.openSqlite(file)) {
            db.jdbi().useHandle(h -> h.execute("insert into engine_info (name, value) values ('k', 'v')"));
        }
        try (Database db = Database.openSqlite(file)) {
            assertThat(query(db, "select value from engine_info where name = 'k'")).isEqualTo("v");
        }
    }

    @Test
    void closeIsSafeTwice() {
        Database db = Database.openSqlite(dir.resolve("engine.db"));
        db.close();
        db.close();
    }

    private static String query(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }
}
