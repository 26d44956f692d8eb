package dev.sandboxjobs.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code sandbox-jobs.*} in {@code application.properties}; every one is optional.
 *
 * <pre>
 * sandbox-jobs.data-dir=/var/lib/my-app/sandbox-jobs     # else SANDBOX_JOBS_DATA_DIR, else ~/.sandbox-jobs
 * sandbox-jobs.database-url=jdbc:postgresql://db:5432/jobs?user=jobs&amp;password=…  # else SQLite in data-dir
 * sandbox-jobs.docker-host=unix:///var/run/docker.sock  # else DOCKER_HOST, else the local socket
 * sandbox-jobs.image=sandbox-jobs/runtime:0.1.0-SNAPSHOT
 * sandbox-jobs.defaults.memory=1GB
 * sandbox-jobs.defaults.cpus=1.5
 * sandbox-jobs.defaults.env.LANG=C.UTF-8
 * sandbox-jobs.worker.enabled=true                      # false: this application only submits and reads
 * sandbox-jobs.worker.max-concurrent-runs=4
 * sandbox-jobs.worker.shutdown-grace=30s
 * sandbox-jobs.dashboard.enabled=true                   # needs sandbox-jobs-dashboard on the classpath
 * sandbox-jobs.dashboard.port=8090                      # default 0: a free port
 * </pre>
 *
 * @param dataDir      the engine's data directory (database, reports)
 * @param databaseFile the SQLite file, when it is not {@code sandbox-jobs.db} in {@code dataDir}
 * @param databaseUrl  the database as one setting, over {@code databaseFile}: a PostgreSQL URL
 *                     ({@code jdbc:postgresql://host:5432/db?user=…&password=…}), where several
 *                     applications share runs, limits and schedules, or a SQLite file path; the
 *                     data directory still holds backups and the egress proxy's files
 * @param dockerHost   the Docker engine
 * @param image        the default sandbox image
 * @param defaults     engine-wide sandbox defaults
 * @param worker       the job worker
 * @param dashboard    the web dashboard
 */
@ConfigurationProperties("sandbox-jobs")
public record SandboxJobsProperties(Path dataDir, Path databaseFile, String databaseUrl, String dockerHost, String image,
                                    @DefaultValue Defaults defaults, @DefaultValue Worker worker,
                                    @DefaultValue Dashboard dashboard) {

    /**
     * Engine-wide sandbox defaults ({@code SandboxDefaults}); unset ones keep the engine's.
     *
     * @param memory      memory limit per sandbox
     * @param cpus        CPUs per sandbox
     * @param pidsLimit   process limit per sandbox
     * @param sleepAfter  idle time before a sandbox's container stops (files kept)
     * @param maxLifetime a sandbox's longest life
     * @param env         environment variables of every sandbox
     */
    public record Defaults(DataSize memory, Double cpus, Long pidsLimit, Duration sleepAfter, Duration maxLifetime,
                           Map<String, String> env) {
    }

    /**
     * @param enabled           run a worker in this application (else only a client)
     * @param maxConcurrentRuns runs at once (live sandboxes); unset keeps the engine's default
     * @param shutdownGrace     how long shutdown waits for runs in flight; those still running are
     *                          resumed by the next worker on the database
     */
    public record Worker(@DefaultValue("true") boolean enabled, Integer maxConcurrentRuns,
                         @DefaultValue("30s") Duration shutdownGrace) {
    }

    /**
     * The dashboard ({@code sandbox-jobs-dashboard}) served beside the application; off by default.
     * Its URL is logged without its tokens (tokens never reach logs): read them from the
     * {@code Dashboard} bean, or set them here.
     *
     * @param enabled       serve it
     * @param port          its port; 0 for a free one
     * @param bindAddress   the address it listens on; loopback by default
     * @param adminToken    a fixed admin token (16 characters or more); random when unset
     * @param readOnlyToken a fixed read-only token; random when unset
     */
    public record Dashboard(@DefaultValue("false") boolean enabled, @DefaultValue("0") int port,
                            @DefaultValue("127.0.0.1") String bindAddress, String adminToken, String readOnlyToken) {
    }
}
