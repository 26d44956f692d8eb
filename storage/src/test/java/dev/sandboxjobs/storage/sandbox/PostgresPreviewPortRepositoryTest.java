package dev.sandboxjobs.storage.sandbox;

import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.PrivatePostgres;

class PostgresPreviewPortRepositoryTest extends PreviewPortRepositoryContractTest {
    private final String url = PrivatePostgres.shared().newDatabaseUrl();

    @Override
    protected Database open() {
        return Database.open(url);
    }
}
