package dev.sandboxjobs.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;
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
 * <p>PostgreSQL (several engines on one database) is opened the same way from a URL:
 * {@code Database.open("jdbc:postgresql://db:5432/jobs?user=jobs")}; see {@link DatabaseLocation}.
 *
 * <p>SQLite runs in WAL mode with a busy timeout, {@code synchronous=NORMAL} and write
 * transactions begun {@code IMMEDIATE}, so that concurrent writers wait for each other instead of
 * failing with {@code SQLITE_BUSY} when a read transaction upgrades to a write.
 */
public final class Database implements AutoCloseable {
    /** How long a connection waits for another writer before giving up. */
    public static final int BUSY_TIMEOUT_MILLIS = 30_000;

    private final DataSource dataSource;
    private final boolean ownsDataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String location;
    private volatile boolean closed;

    private Database(DataSource dataSource, boolean ownsDataSource, Dialect dialect, String location) {
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
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
     * Opens the database at {@code location} (a SQLite file or a PostgreSQL server) and migrates
     * its schema.
     *
     * @throws StorageException if it cannot be reached, opened or migrated
     */
    public static Database open(DatabaseLocation location) {
        Objects.requireNonNull(location, "location");
        if (location.dialect() == Dialect.SQLITE) {
            return openSqlite(location.file().orElseThrow());
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("sandbox-jobs-postgres");
        config.setJdbcUrl(location.jdbcUrl());
        // the password goes to the driver as a property, never inside the URL that drivers,
        // Flyway and Hikari may print
        if (location.user() != null) {
            config.setUsername(location.user());
        }
        if (location.password() != null) {
            config.setPassword(location.password());
        }
        config.addDataSourceProperty("ApplicationName", "sandbox-jobs");
        // a process frozen or cut off inside a transaction (SIGSTOP, a vanished machine) must not
        // hold its row locks (the dispatch lock, a run row) over the other engines for ever
        config.setConnectionInitSql("set idle_in_transaction_session_timeout = 10000");
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(BUSY_TIMEOUT_MILLIS);
        return open(config, Dialect.POSTGRESQL, location.toString());
    }

    /**
     * Opens the database named by {@code fileOrUrl}: a SQLite file path or a PostgreSQL URL
     * (see {@link DatabaseLocation#parse}).
     */
    public static Database open(String fileOrUrl) {
        return open(DatabaseLocation.parse(fileOrUrl));
    }

    /**
     * Uses an application's own {@link DataSource} (SQLite or PostgreSQL, told apart by its
     * driver) and migrates its schema. The caller keeps ownership: {@link #close()} does not close
     * it. A SQLite data source should be configured as {@link #openSqlite} does (WAL, busy
     * timeout, IMMEDIATE transactions).
     */
    public static Database open(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        Dialect dialect;
        String location;
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
            if (product.contains("sqlite")) {
                dialect = Dialect.SQLITE;
            } else if (product.contains("postgres")) {
                dialect = Dialect.POSTGRESQL;
            } else {
                throw new StorageException("Unsupported database " + product + ": use SQLite or PostgreSQL.");
            }
            location = DatabaseLocation.redact(c.getMetaData().getURL());
        } catch (SQLException e) {
            throw new StorageException("Cannot connect through the given data source: " + e.getMessage(), e);
        }
        if (dialect == Dialect.SQLITE && location.startsWith("jdbc:sqlite:")) {
            location = location.substring("jdbc:sqlite:".length());
        }
        Database db = new Database(dataSource, false, dialect, location);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            throw new StorageException("Cannot migrate the database at " + location + ": " + rootMessage(e), e);
        }
        return db;
    }

    private static Database open(HikariConfig config, Dialect dialect, String location) {
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException("Cannot open the database at " + location + ": " + rootMessage(e)
                    + (dialect == Dialect.SQLITE ? ". Check that the file is writable and not corrupt."
                    : ". Check that the server runs, the database exists and the user and password are right."), e);
        }
        Database db = new Database(ds, true, dialect, location);
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

    /**
     * The id of the engine this database belongs to, created on first use and the same for every
     * engine that opens the database: the sandbox engine labels its containers with it and the job
     * engine names its scheduler after it.
     */
    public String engineId() {
        String candidate = UUID.randomUUID().toString();
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into engine_info (name, value) values ('engine_id', :v) on conflict (name) do nothing")
                    .bind("v", candidate).execute();
            return h.createQuery("select value from engine_info where name = 'engine_id'").mapTo(String.class).one();
        });
    }

    /**
     * Moves what the write-ahead log holds into the database file without waiting for readers
     * (SQLite's passive checkpoint), so that commits never pay for a checkpoint; nothing elsewhere.
     */
    public void checkpoint() {
        if (dialect == Dialect.SQLITE) {
            jdbi.useHandle(h -> h.createQuery("pragma wal_checkpoint(PASSIVE)").mapToMap().list());
        }
    }

    /**
     * The Jdbi over this database, for the repositories of this module; code outside
     * {@code dev.sandboxjobs.storage} uses the repositories instead (an architecture test checks it).
     */
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

    /** Where the database lives: a file path for SQLite, a JDBC URL otherwise (never with a password). */
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

    /**
     * Why the database cannot take writes now, or null when it can: for a health check. A
     * PostgreSQL server must answer and not be read-only (a standby); a SQLite file is checked
     * by the caller on disk, so this answers null for it once a connection opens.
     */
    public String writeProblem() {
        try {
            return jdbi.withHandle(h -> dialect == Dialect.SQLITE || "off".equalsIgnoreCase(
                    h.createQuery("show transaction_read_only").mapTo(String.class).one())
                    ? null : "the server is read-only");
        } catch (RuntimeException e) {
            return rootMessage(e);
        }
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
        if (ownsDataSource && dataSource instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new StorageException("Cannot close the database " + location + ": " + e.getMessage(), e);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
