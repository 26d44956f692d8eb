package dev.sandboxjobs.storage.sandbox;

import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteSandboxRepositoryTest extends SandboxRepositoryContractTest {
    @TempDir
    Path dir;

    @Override
    protected Database open() {
        return Database.openSqlite(dir.resolve("t.db"));
    }
}
