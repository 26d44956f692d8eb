package dev.sandboxjobs.storage.run;

import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobStoreTest extends JobStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Database open() {
        return Database.openSqlite(dir.resolve("jobs.db"));
    }
}
