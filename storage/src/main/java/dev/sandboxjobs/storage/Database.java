package dev.sandboxjobs.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;

/**
 * The engine's database: a connection pool, a {@link Jdbi} over it and the schema migrated to
 * the newest version.
 *
 * <pre>{@code
 * try (Database db = Database.openSqlite(Path.of("data/sandbox-jobs.db"))) {
 *     db.jdbi().useHandle(h -> h.execute("select 1"));
 * }
 * }</pre>
 *
 * <p>SQLite runs in WAL mode with a busy timeout, {@code synchronous=NORMAL} and write
 * transactions begun {@code IMMEDIATE}, so that concurrent writers wait for each other instead of
 * failing with {@code SQLITE_BUSY} when a read transaction upgrades to a write.
 */
public final class Database implements AutoCloseable {
    /** How long a connection waits for another writer before giving up. */
    public static final int BUSY_TIMEOUT_MILLIS = 30_000;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String location;
    private volatile boolean closed;

    private Database(HikariDataSource dataSource, Dialect dialect, String location) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.location = location;
        this.jdbi = Jdbi.create(dataSource);
    }

    /**
     * Opens (creating if needed) the SQLite database in {@code file} and migrates its schema.
     *
     * @throws StorageException if the file cannot be created, opened or migrated
     */
    public static Database openSqlite(Path file) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath();
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (Exception e) {
            throw new StorageException("Cannot create the directory for the database " + absolute
                    + ": " + e.getMessage() + ". Choose a writable location.", e);
        }
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        sqlite.enforceForeignKeys(true);

        HikariConfig config = new HikariConfig();
        config.setPoolName("sandbox-jobs-sqlite");
        config.setJdbcUrl("jdbc:sqlite:" + absolute);
        config.setDataSourceProperties(sqlite.toProperties());
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(BUSY_TIMEOUT_MILLIS);
        return open(config, Dialect.SQLITE, absolute.toString());
    }

    /**
     * Opens a PostgreSQL database and migrates its schema (the clustered mode).
     */
    public static Database openPostgres(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sandbox-jobs-postgres");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(16);
        return open(config, Dialect.POSTGRESQL, jdbcUrl);
    }

    private static Database open(HikariConfig config, Dialect dialect, String location) {
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException("Cannot open the database at " + location + ": "
                    + rootMessage(e) + ". Check that the file is writable and not corrupt.", e);
        }
        Database db = new Database(ds, dialect, location);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new StorageException("Cannot migrate the database at " + location + ": "
                    + rootMessage(e), e);
        }
        return db;
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                .load()
                .migrate();
    }

    /** The Jdbi over this database; repositories are built on it. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** The pooled data source, for Quartz's JDBC job store. */
    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Where the database lives: a file path for SQLite, a JDBC URL otherwise. */
    public String location() {
        return location;
    }

    /** Runs {@code PRAGMA integrity_check} (SQLite) and returns its verdict, {@code ok} when sound. */
    public String integrityCheck() {
        if (dialect != Dialect.SQLITE) {
            return "ok";
        }
        return jdbi.withHandle(h -> h.createQuery("pragma integrity_check").mapTo(String.class).one());
    }

    /** Borrows a raw connection; the caller closes it. */
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new StorageException("Cannot get a connection to " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dataSource.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
