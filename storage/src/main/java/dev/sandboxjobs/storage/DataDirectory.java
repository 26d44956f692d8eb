package dev.sandboxjobs.storage;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where Sandbox Jobs keeps its data when told nothing: one rule for the library's engines, the
 * command line and setup, so that they share one database by default.
 *
 * <pre>{@code
 * Path db = DataDirectory.databaseFile(DataDirectory.defaultFor(System.getenv()));
 * // ~/.sandbox-jobs/sandbox-jobs.db, or $SANDBOX_JOBS_DATA_DIR/sandbox-jobs.db
 * }</pre>
 */
public final class DataDirectory {
    /** The environment variable that moves the default data directory. */
    public static final String ENV = "SANDBOX_JOBS_DATA_DIR";

    /** The file name of the database inside the data directory. */
    public static final String DATABASE_FILE_NAME = "sandbox-jobs.db";

    private DataDirectory() {
    }

    /** {@code SANDBOX_JOBS_DATA_DIR} when set in {@code environment}, else {@code ~/.sandbox-jobs}. */
    public static Path defaultFor(Map<String, String> environment) {
        String fromEnv = environment.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".sandbox-jobs");
    }

    /** The database file in {@code dataDirectory}. */
    public static Path databaseFile(Path dataDirectory) {
        return dataDirectory.resolve(DATABASE_FILE_NAME);
    }
}
