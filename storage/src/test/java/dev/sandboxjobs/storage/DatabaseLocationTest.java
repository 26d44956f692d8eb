package dev.sandboxjobs.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseLocationTest {
    @Test
    void aPathIsASqliteFile() {
        DatabaseLocation l = DatabaseLocation.parse("data/jobs.db");
        assertThat(l.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(l.file()).hasValue(Path.of("data/jobs.db").toAbsolutePath().normalize());
        assertThat(l.toString()).isEqualTo(Path.of("data/jobs.db").toAbsolutePath().normalize().toString());
    }

    @Test
    void aSqliteUrlIsAFile() {
        assertThat(DatabaseLocation.parse("jdbc:sqlite:/var/lib/j.db").file()).hasValue(Path.of("/var/lib/j.db"));
    }

    @Test
    void aPostgresUrlLosesItsPasswordToTheCredentials() {
        DatabaseLocation l = DatabaseLocation.parse(
                "jdbc:postgresql://db.internal:5433/jobs?user=jobs&password=s3cr%26t&sslmode=require");
        assertThat(l.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/jobs?sslmode=require");
        assertThat(l.credentials()).containsEntry("user", "jobs").containsEntry("password", "s3cr&t");
        assertThat(l.toString()).isEqualTo("jdbc:postgresql://db.internal:5433/jobs?sslmode=require&user=jobs"
                + "&password=***").doesNotContain("s3cr");
        assertThat(l.hasPassword()).isTrue();
    }

    @Test
    void theLibpqFormIsAcceptedWithItsUserInfo() {
        DatabaseLocation l = DatabaseLocation.parse("postgres://jobs:pw%40x@localhost/jobs");
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/jobs");
        assertThat(l.credentials()).containsEntry("user", "jobs").containsEntry("password", "pw@x");
        assertThat(l.toString()).doesNotContain("pw");
    }

    @Test
    void aUrlWithoutPasswordLeavesItToPgpass() {
        DatabaseLocation l = DatabaseLocation.parse("jdbc:postgresql://localhost/jobs");
        assertThat(l.hasPassword()).isFalse();
        assertThat(l.toString()).isEqualTo("jdbc:postgresql://localhost/jobs");
        assertThat(l.withPassword("x").hasPassword()).isTrue();
    }

    @Test
    void otherDatabasesAndEmptyInputAreRefusedWithoutEchoingAPassword() {
        assertThatThrownBy(() -> DatabaseLocation.parse("jdbc:mysql://h/db?password=hunter2"))
                .isInstanceOf(StorageException.class).hasMessageContaining("jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DatabaseLocation.parse("mongodb://u:hunter2@h/db"))
                .isInstanceOf(StorageException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> DatabaseLocation.parse("  ")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> DatabaseLocation.parse("jdbc:sqlite::memory:")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> DatabaseLocation.parse("jdbc:postgresql:jobs?password=hunter2"))
                .isInstanceOf(StorageException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void redactHidesPasswordsInBothForms() {
        assertThat(DatabaseLocation.redact("jdbc:postgresql://h/db?user=u&password=p&x=1"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&x=1");
        assertThat(DatabaseLocation.redact("postgres://u:p@h/db")).isEqualTo("postgres://u:***@h/db");
    }
}
