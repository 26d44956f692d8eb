package dev.sandboxjobs.storage.sandbox;

import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.PrivatePostgres;

class PostgresSandboxRepositoryTest extends SandboxRepositoryContractTest {
    private final String url = PrivatePostgres.shared().newDatabaseUrl();

    @Override
    protected Database open() {
        return Database.open(url);
    }
}
