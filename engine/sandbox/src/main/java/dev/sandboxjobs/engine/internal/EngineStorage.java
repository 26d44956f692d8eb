package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.storage.DataDirectory;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.StorageException;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * Where a new engine keeps its database and its files (backups, the egress proxy's), resolved
 * from the builder's settings.
 *
 * @param location the database to open, when {@code shared} is null
 * @param shared   an open database the engine shares and does not close, or null
 * @param files    the directory of the engine's files
 */
public record EngineStorage(DatabaseLocation location, Database shared, Path files) {

    /** Every argument may be null: the data directory then defaults to {@link DataDirectory#defaultFor}. */
    public static EngineStorage resolve(Path dataDirectory, Path databaseFile, DatabaseLocation databaseLocation,
                                        Database database, DataSource dataSource) {
        Path dir = dataDirectory != null ? dataDirectory : DataDirectory.defaultFor(System.getenv());
        DatabaseLocation where = databaseLocation != null ? databaseLocation
                : DatabaseLocation.file(databaseFile != null ? databaseFile : dir.resolve(DataDirectory.DATABASE_FILE_NAME));
        Database shared = database;
        if (shared == null && dataSource != null) {
            try {
                shared = Database.open(dataSource);
            } catch (StorageException e) {
                throw new SandboxException(ErrorCode.DATABASE_UNAVAILABLE, e.getMessage(), e);
            }
        }
        // files beside a SQLite file given alone; else (PostgreSQL too) in the data directory
        Path files = dataDirectory == null && databaseFile != null && databaseLocation == null
                ? databaseFile.toAbsolutePath().getParent()
                : where.file().filter(f -> dataDirectory == null).map(f -> f.toAbsolutePath().getParent())
                        .orElse(dir.toAbsolutePath());
        return new EngineStorage(where, shared, files);
    }
}
