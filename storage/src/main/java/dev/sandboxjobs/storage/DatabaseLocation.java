package dev.sandboxjobs.storage;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the engine's database lives, read from the one setting that chooses it everywhere (the
 * builder, every CLI command's {@code --db}, {@code SANDBOX_JOBS_DB}): a SQLite file path (the
 * embedded default), {@code jdbc:sqlite:FILE}, or a PostgreSQL URL
 * ({@code jdbc:postgresql://host:5432/db?user=u&password=p}; the libpq forms
 * {@code postgresql://u:p@host/db} and {@code postgres://…} are accepted too).
 *
 * <pre>{@code
 * DatabaseLocation where = DatabaseLocation.parse(System.getenv("SANDBOX_JOBS_DB"));
 * try (Database db = where.open()) { ... }
 * }</pre>
 *
 * <p>The password is taken out of the URL when it is parsed and kept only in memory: it is handed
 * to the driver as a connection property and never appears in {@link #toString()}, in
 * {@link Database#location()}, in logs or in error messages. Without a password in the URL the
 * PostgreSQL driver reads {@code ~/.pgpass}.
 */
public final class DatabaseLocation {
    private static final String REDACTED = "***";

    private final Dialect dialect;
    private final Path file;
    private final String url;
    private final String user;
    private final String password;

    private DatabaseLocation(Dialect dialect, Path file, String url, String user, String password) {
        this.dialect = dialect;
        this.file = file;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** A SQLite database in {@code file}. */
    public static DatabaseLocation file(Path file) {
        Objects.requireNonNull(file, "file");
        return new DatabaseLocation(Dialect.SQLITE, file.toAbsolutePath().normalize(), null, null, null);
    }

    /**
     * Reads a file path or a database URL.
     *
     * @throws StorageException if the text is blank, names a database other than SQLite or
     *                          PostgreSQL, or is a malformed PostgreSQL URL
     */
    public static DatabaseLocation parse(String fileOrUrl) {
        if (fileOrUrl == null || fileOrUrl.isBlank()) {
            throw new StorageException("No database given. Give a SQLite file path or a PostgreSQL URL such as "
                    + "jdbc:postgresql://localhost:5432/sandbox_jobs?user=jobs");
        }
        String text = fileOrUrl.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            String path = text.substring("jdbc:sqlite:".length());
            if (path.isBlank() || path.startsWith(":memory:") || path.startsWith("file:")) {
                throw new StorageException("Unsupported SQLite URL " + text + ": give a file, e.g. jdbc:sqlite:"
                        + "/var/lib/sandbox-jobs/sandbox-jobs.db (an in-memory database would lose every run).");
            }
            return file(Path.of(path));
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return postgres(text.substring("jdbc:".length()), text);
        }
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return postgres("postgresql:" + text.substring(text.indexOf(':') + 1), text);
        }
        if (lower.startsWith("jdbc:") || lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new StorageException("Unsupported database " + redact(text) + ": give a SQLite file path or a "
                    + "PostgreSQL URL (jdbc:postgresql://host:5432/db).");
        }
        return file(Path.of(text));
    }

    /** Splits {@code postgresql://[user[:password]@]host[:port]/db[?k=v&…]} into URL and credentials. */
    private static DatabaseLocation postgres(String withoutJdbc, String original) {
        String rest = withoutJdbc.substring("postgresql:".length());
        if (!rest.startsWith("//")) {
            throw new StorageException("Malformed PostgreSQL URL " + redact(original)
                    + ": expected jdbc:postgresql://host[:port]/database[?user=…]");
        }
        rest = rest.substring(2);
        String user = null;
        String password = null;
        int slash = rest.indexOf('/');
        int at = rest.lastIndexOf('@', slash < 0 ? rest.length() : slash);
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty() || rest.startsWith("/")) {
            throw new StorageException("Malformed PostgreSQL URL " + redact(original) + ": it names no host.");
        }
        List<String> kept = new ArrayList<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (key.equalsIgnoreCase("password")) {
                    password = value;
                } else if (key.equalsIgnoreCase("user")) {
                    user = value;
                } else {
                    kept.add(pair);
                }
            }
        }
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(rest);
        if (!kept.isEmpty()) {
            url.append('?').append(String.join("&", kept));
        }
        return new DatabaseLocation(Dialect.POSTGRESQL, null, url.toString(), user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * {@code text} with any password replaced by {@code ***} (a {@code password=} parameter or the
     * password of {@code user:password@}), for messages about input that could not be parsed.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text.replaceAll("(?i)([?&;]password=)[^&;#]*", "$1" + REDACTED);
        return out.replaceAll("(//[^/@:?#]*:)[^/@?#]*@", "$1" + REDACTED + "@");
    }

    /** This location with {@code password} (from a secret store, say) instead of the URL's. */
    public DatabaseLocation withPassword(String value) {
        if (dialect != Dialect.POSTGRESQL) {
            throw new StorageException("A SQLite database has no password.");
        }
        return new DatabaseLocation(dialect, null, url, user, value);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The SQLite file, if this is one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The JDBC URL without credentials (user and password are handed over as properties). */
    public String jdbcUrl() {
        return file != null ? "jdbc:sqlite:" + file : url;
    }

    /** Whether a password was given (it is never returned as text by this class's public methods). */
    public boolean hasPassword() {
        return password != null;
    }

    /** The connection properties: user and password (the latter only to the driver). */
    Properties credentials() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Opens the database and migrates its schema ({@link Database#open(DatabaseLocation)}). */
    public Database open() {
        return Database.open(this);
    }

    /**
     * What to show a person: the file path, or the URL with the user (and {@code password=***}
     * when one was given); never the password.
     */
    @Override
    public String toString() {
        if (file != null) {
            return file.toString();
        }
        StringBuilder s = new StringBuilder(url);
        char sep = url.indexOf('?') >= 0 ? '&' : '?';
        if (user != null) {
            s.append(sep).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
            sep = '&';
        }
        if (password != null) {
            s.append(sep).append("password=").append(REDACTED);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseLocation other && dialect == other.dialect && Objects.equals(file, other.file)
                && Objects.equals(url, other.url) && Objects.equals(user, other.user)
                && Objects.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dialect, file, url, user);
    }
}
