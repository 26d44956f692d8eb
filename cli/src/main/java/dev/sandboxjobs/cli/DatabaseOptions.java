package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.Dialect;
import dev.sandboxjobs.storage.StorageException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where every command finds the database: one picocli mixin, so that every command that reads or
 * writes it takes the same {@code --db} and {@code --data-dir} with the same defaults, and the one
 * place where {@code --db} and {@code SANDBOX_JOBS_DB} are read.
 */
final class DatabaseOptions {
    /** The environment variable naming the database (over the data directory's default). */
    static final String DB_ENV = "SANDBOX_JOBS_DB";

    @Option(names = "--db", paramLabel = "FILE|URL",
            description = {"The database: a SQLite file, or a PostgreSQL URL such as"
                    + " jdbc:postgresql://host:5432/jobs?user=jobs (password: in the URL, PGPASSWORD, or ~/.pgpass)"
                    + " to share it between workers. Default: SANDBOX_JOBS_DB, else sandbox-jobs.db in the data"
                    + " directory."})
    String db;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The data directory: the database, reports and logs (default: SANDBOX_JOBS_DATA_DIR, else ~/.sandbox-jobs).")
    Path dataDir;

    /** The data directory, absolute. */
    Path dataDirectory() {
        return dataDirectory(System.getenv());
    }

    Path dataDirectory(Map<String, String> env) {
        Path dir = dataDir != null ? dataDir : SandboxEngine.defaultDataDirectory(env);
        return dir.toAbsolutePath().normalize();
    }

    /** The database this command uses: {@code --db}, else {@code SANDBOX_JOBS_DB}, else the data directory's file. */
    DatabaseLocation location() {
        return location(System.getenv());
    }

    /**
     * A file path or a PostgreSQL URL; a URL without a password takes {@code PGPASSWORD} when it is set.
     *
     * @throws SandboxException {@code INVALID_ARGUMENT} for anything else (the message never echoes a password)
     */
    DatabaseLocation location(Map<String, String> env) {
        String given = db != null ? db : env.get(DB_ENV);
        if (given == null || given.isBlank()) {
            return DatabaseLocation.file(dataDirectory(env).resolve(SandboxEngine.DATABASE_FILE_NAME));
        }
        DatabaseLocation where;
        try {
            where = DatabaseLocation.parse(given);
        } catch (StorageException e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, (db != null ? "--db: " : DB_ENV + ": ")
                    + e.getMessage(), e);
        }
        String pgPassword = env.get("PGPASSWORD");
        if (where.dialect() == Dialect.POSTGRESQL && !where.hasPassword() && pgPassword != null) {
            where = where.withPassword(pgPassword);
        }
        return where;
    }
}
