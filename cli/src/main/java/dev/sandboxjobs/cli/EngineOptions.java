package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the jobs commands find the database ({@link DatabaseOptions}) and Docker: the same
 * defaults as the library. Commands that need no sandbox use {@link #openClient()} and never
 * connect to Docker.
 */
final class EngineOptions {
    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Option(names = "--docker-host", paramLabel = "URI",
            description = "Docker engine, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, else that socket).")
    String dockerHost;

    /** The database this command uses: {@code --db}, else {@code SANDBOX_JOBS_DB}, else the data directory's file. */
    DatabaseLocation database() {
        return database.location();
    }

    DatabaseLocation database(Map<String, String> env) {
        return database.location(env);
    }

    /**
     * A jobs client on the database alone: no Docker connection, so the commands that only read or
     * edit the database (runs, schedules, submit) are quick and work while Docker is down.
     */
    JobsClient openClient() {
        return JobEngine.openClient(database());
    }

    /** Whether a worker process runs jobs on the database (read from its lock file; assumed on PostgreSQL). */
    boolean workerRuns() {
        DatabaseLocation where = database();
        return where.file().map(f -> JobEngine.workerPid(f).isPresent()).orElse(true);
    }

    SandboxEngine open() {
        return builder().prewarmInterpreters().build();
    }

    /** An engine builder over the database, data directory and Docker host of these options. */
    SandboxEngine.Builder builder() {
        return SandboxEngine.builder()
                .databaseLocation(database())
                .dataDirectory(database.dataDirectory())
                .dockerHost(dockerHost);
    }

    /** The job engine over {@code sandboxes} (its database), with default options. */
    static JobEngine jobs(SandboxEngine sandboxes) {
        return jobs(sandboxes, JobsOptions.defaults());
    }

    static JobEngine jobs(SandboxEngine sandboxes, JobsOptions options) {
        return JobEngine.builder().sandboxEngine(sandboxes).options(options).build();
    }
}
