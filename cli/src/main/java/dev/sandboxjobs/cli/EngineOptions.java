package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.Jobs;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the jobs commands find the database and Docker: the same defaults as the library. Commands
 * that need no sandbox use {@link #openClient()} and never connect to Docker.
 */
final class EngineOptions {
    /** The environment variable naming the database file (over the data directory's default). */
    static final String DB_ENV = "SANDBOX_JOBS_DB";

    @Option(names = "--db", paramLabel = "FILE",
            description = "The SQLite database (default: SANDBOX_JOBS_DB, else sandbox-jobs.db in the data directory).")
    Path db;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The data directory (default: SANDBOX_JOBS_DATA_DIR, else ~/.sandbox-jobs).")
    Path dataDir;

    @Option(names = "--docker-host", paramLabel = "URI",
            description = "Docker engine, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, else that socket).")
    String dockerHost;

    Path databaseFile() {
        return databaseFile(System.getenv());
    }

    Path databaseFile(Map<String, String> env) {
        if (db != null) {
            return db.toAbsolutePath().normalize();
        }
        String fromEnv = env.get(DB_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        Path dir = dataDir != null ? dataDir : SandboxEngine.defaultDataDirectory(env);
        return dir.toAbsolutePath().normalize().resolve(SandboxEngine.DATABASE_FILE_NAME);
    }

    /**
     * A jobs client on the database alone: no Docker connection, so the commands that only read or
     * edit the database (runs, schedules, submit) are quick and work while Docker is down.
     */
    Jobs openClient() {
        return SandboxEngine.openJobsClient(databaseFile());
    }

    /** Whether a worker process runs jobs on the database (read from its lock file). */
    boolean workerRuns() {
        return SandboxEngine.jobsWorkerPid(databaseFile()).isPresent();
    }

    SandboxEngine open() {
        return open(JobsOptions.defaults());
    }

    SandboxEngine open(JobsOptions jobsOptions) {
        return SandboxEngine.builder()
                .databaseFile(databaseFile())
                .dockerHost(dockerHost)
                .prewarmInterpreters()
                .jobsOptions(jobsOptions)
                .build();
    }
}
