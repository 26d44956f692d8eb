package dev.sandboxjobs.storage.run;

import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.PrivatePostgres;

class PostgresJobStoreTest extends JobStoreContractTest {
    private final String url = PrivatePostgres.shared().newDatabaseUrl();

    @Override
    protected Database open() {
        return Database.open(url);
    }
}
