package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.PrivatePostgres;
import java.time.Clock;

/** Every behaviour of {@link JobEngineTest}, with the engine's database on a real PostgreSQL server. */
class PostgresJobEngineTest extends JobEngineTest {
    private final String url = PrivatePostgres.shared().newDatabaseUrl();

    @Override
    protected RealJobsWorker open(JobsOptions options) {
        return RealJobsWorker.open(DatabaseLocation.parse(url), Clock.systemUTC(), new ObjectMapper(), options, null);
    }
}
