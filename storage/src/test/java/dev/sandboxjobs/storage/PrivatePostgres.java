package dev.sandboxjobs.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests, from the machine's own packages (Debian's
 * {@code postgresql}): one private cluster per test JVM in a temporary directory, on a free
 * loopback port, with password authentication over TCP; stopped and deleted when the JVM exits.
 * Each test gets a fresh database from {@link #newDatabaseUrl()}.
 *
 * <p>{@code SANDBOX_JOBS_TEST_POSTGRES_URL} (a superuser's {@code jdbc:postgresql://} URL) uses a
 * server that is already running instead. Without PostgreSQL the test is skipped, or fails under
 * {@code CI=true}, where {@code .ci/run} installs it.
 */
public final class PrivatePostgres {
    private static PrivatePostgres shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path dir;
    private final Path binDir;

    private PrivatePostgres(String host, int port, String user, String password, Path dir, Path binDir) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.dir = dir;
        this.binDir = binDir;
    }

    /** The JVM's server, started on first use (skips the test, or fails it under CI=true, without PostgreSQL). */
    public static synchronized PrivatePostgres shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (MissingPostgresException e) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new AssertionError(e.getMessage() + " (.ci/run does this under CI=true)");
                }
                Assumptions.abort(e.getMessage());
            }
        }
        return shared;
    }

    /** PostgreSQL's server binaries are not on this machine. */
    public static final class MissingPostgresException extends IllegalStateException {
        MissingPostgresException(String message) {
            super(message);
        }
    }

    /**
     * Starts a new private server (for the benchmarks, which run outside JUnit): stopped when the
     * JVM exits.
     *
     * @throws MissingPostgresException without PostgreSQL's server binaries
     */
    public static PrivatePostgres start() {
        String external = System.getenv("SANDBOX_JOBS_TEST_POSTGRES_URL");
        if (external != null && !external.isBlank()) {
            DatabaseLocation l = DatabaseLocation.parse(external);
            String hostPort = l.jdbcUrl().substring("jdbc:postgresql://".length()).split("/")[0];
            String[] hp = hostPort.split(":");
            return new PrivatePostgres(hp[0], hp.length > 1 ? Integer.parseInt(hp[1]) : 5432, l.user(), l.password(),
                    null, null);
        }
        Path bin = findBinDir();
        if (bin == null) {
            throw new MissingPostgresException("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin"
                    + " or on PATH); install it with `apt-get install -y postgresql`");
        }
        try {
            return startPrivate(bin);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("Cannot start a private PostgreSQL server: " + e.getMessage(), e);
        }
    }

    private static PrivatePostgres startPrivate(Path bin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sandbox-jobs-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Path pwFile = dir.resolve("pw");
        Files.writeString(pwFile, password + "\n");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // PostgreSQL refuses to run as root: its files belong to, and it runs as, the postgres user
            exec(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir);
        }
        Path data = dir.resolve("data");
        exec(asOwner(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8",
                "--no-sync", "--no-instructions")), dir);
        Files.deleteIfExists(pwFile);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        exec(asOwner(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "120",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                "start")), dir);
        PrivatePostgres pg = new PrivatePostgres("127.0.0.1", port, "postgres", password, dir, bin);
        Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "private-postgres-stop"));
        return pg;
    }

    private static List<String> asOwner(boolean root, List<String> argv) {
        if (!root) {
            return argv;
        }
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(argv);
        return all;
    }

    private static void exec(List<String> argv, Path dir) throws IOException, InterruptedException {
        Path log = Files.createTempFile("pg-cmd-", ".log");
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(argv.get(0) + " did not finish in 180 s");
        }
        String out = Files.readString(log);
        Files.deleteIfExists(log);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " exited with " + p.exitValue() + ": " + out);
        }
    }

    static Path findBinDir() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path best = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(v -> {
                            try {
                                return Integer.parseInt(v.getFileName().toString());
                            } catch (NumberFormatException e) {
                                return 0;
                            }
                        })).orElse(null);
                if (best != null) {
                    return best.resolve("bin");
                }
            } catch (IOException ignored) {
                // fall through to PATH
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path initdb = Path.of(entry.isEmpty() ? "." : entry, "initdb");
            if (Files.isExecutable(initdb) && Files.isExecutable(initdb.resolveSibling("pg_ctl"))) {
                return initdb.getParent();
            }
        }
        return null;
    }

    /** The superuser's password (tests check that it is found nowhere it must not be). */
    public String password() {
        return password;
    }

    /**
     * Creates a new, empty database and returns its URL with the superuser and password in it
     * ({@code jdbc:postgresql://127.0.0.1:PORT/NAME?user=postgres&password=…}).
     */
    public String newDatabaseUrl() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new AssertionError("Cannot create a test database: " + e.getMessage(), e);
        }
        return url(name);
    }

    /** The URL of database {@code name}, with credentials. */
    public String url(String name) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name + "?user=" + user + "&password=" + password;
    }

    /** A direct connection to database {@code name}, for a test's own checks. */
    public Connection connect(String name) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + name, p);
    }

    /** The server's own log (for a test that checks what the server was told), or null for an external server. */
    public Path serverLog() {
        return dir == null ? null : dir.resolve("server.log");
    }

    private void stop() {
        if (dir == null) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            exec(asOwner(root, List.of(binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop")), dir);
        } catch (IOException | InterruptedException ignored) {
            // the JVM is exiting; the directory is removed below either way
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
