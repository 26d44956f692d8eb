package dev.sandboxjobs.storage.sandbox;

import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqlitePreviewPortRepositoryTest extends PreviewPortRepositoryContractTest {
    @TempDir
    Path dir;

    @Override
    protected Database open() {
        return Database.openSqlite(dir.resolve("t.db"));
    }
}
