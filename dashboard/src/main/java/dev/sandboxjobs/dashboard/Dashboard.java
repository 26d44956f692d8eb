package dev.sandboxjobs.dashboard;

import dev.sandboxjobs.dashboard.internal.DashboardServer;
import dev.sandboxjobs.dashboard.internal.EngineBackend;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.workflow.JobsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A running dashboard: web pages and a JSON API over a {@link JobsClient} (runs, logs, artifacts,
 * schedules) and, when given, a {@link SandboxEngine} (sandboxes). It listens on the loopback
 * address by default; every page and API call needs one of its two tokens.
 *
 * <pre>{@code
 * try (SandboxEngine sandboxes = SandboxEngine.create();
 *      JobEngine jobEngine = JobEngine.over(sandboxes);
 *      Dashboard dashboard = Dashboard.builder(jobEngine.worker()).sandboxes(sandboxes).start()) {
 *     System.out.println("dashboard: " + dashboard.url());      // the admin URL, token included
 *     System.out.println("read-only: " + dashboard.readOnlyUrl());
 *     ...
 * }
 * }</pre>
 *
 * <p>The {@code JobsClient} may be a worker ({@code jobEngine.worker()}) or a client over the
 * database ({@code jobEngine.client()}, {@code JobEngine.openClient(file)}); re-running a run needs its workflow registered on
 * it. {@link #close()} stops the server (not the jobs); it is safe twice.
 */
public final class Dashboard implements AutoCloseable {
    private final DashboardServer server;
    private final String host;
    private final String adminToken;
    private final String readOnlyToken;
    private boolean closed;

    private Dashboard(DashboardServer server, String host, String adminToken, String readOnlyToken) {
        this.server = server;
        this.host = host;
        this.adminToken = adminToken;
        this.readOnlyToken = readOnlyToken;
    }

    /** A dashboard over {@code jobs}; {@link Builder#start()} starts it. */
    public static Builder builder(JobsClient jobs) {
        return new Builder(jobs);
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** The URL to open, carrying the admin token. */
    public URI url() {
        return URI.create("http://" + host + ":" + port() + "/?token=" + adminToken);
    }

    /** The URL to share for reading only, carrying the read-only token. */
    public URI readOnlyUrl() {
        return URI.create("http://" + host + ":" + port() + "/?token=" + readOnlyToken);
    }

    /** The URL without a token, e.g. for API calls with {@code Authorization: Bearer}. */
    public URI baseUrl() {
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** The admin token (everything). */
    public String adminToken() {
        return adminToken;
    }

    /** The read-only token (pages and GET calls only). */
    public String readOnlyToken() {
        return readOnlyToken;
    }

    /** Stops the server; the jobs and the sandbox engine stay open. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            server.close();
        }
    }

    /** Where and how the dashboard listens. */
    public static final class Builder {
        private final JobsClient jobs;
        private Supplier<SandboxEngine> sandboxes;
        private String bindAddress = "127.0.0.1";
        private int port;
        private String adminToken;
        private String readOnlyToken;
        private DashboardMetrics metrics = DashboardMetrics.NONE;
        private Clock clock = Clock.systemUTC();

        private Builder(JobsClient jobs) {
            this.jobs = Objects.requireNonNull(jobs, "jobs");
        }

        /** Shows and destroys the engine's sandboxes (without it the sandboxes page says it cannot). */
        public Builder sandboxes(SandboxEngine engine) {
            Objects.requireNonNull(engine, "engine");
            this.sandboxes = () -> engine;
            return this;
        }

        /**
         * Opens a sandbox engine when the sandboxes page is first shown (and again after a failure,
         * such as Docker being down); the caller closes it.
         */
        public Builder sandboxes(Supplier<SandboxEngine> engine) {
            this.sandboxes = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** The address to listen on (default {@code 127.0.0.1}: this machine only). */
        public Builder bindAddress(String value) {
            this.bindAddress = Objects.requireNonNull(value, "bindAddress");
            return this;
        }

        /** The port (default 0: a free one). */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The dashboard's port must be between 0 and 65535, was " + value + ".");
            }
            this.port = value;
            return this;
        }

        /** A fixed admin token (at least 16 characters); by default a random one per start. */
        public Builder adminToken(String value) {
            this.adminToken = checkToken(value);
            return this;
        }

        /** A fixed read-only token (at least 16 characters); by default a random one per start. */
        public Builder readOnlyToken(String value) {
            this.readOnlyToken = checkToken(value);
            return this;
        }

        /** Figures to show on the overview (Micrometer meters, for example). */
        public Builder metrics(DashboardMetrics value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Starts listening.
         *
         * @throws SandboxException {@code INVALID_ARGUMENT} when the address or port cannot be used
         */
        public Dashboard start() {
            String admin = adminToken != null ? adminToken : newToken();
            String read = readOnlyToken != null ? readOnlyToken : newToken();
            if (admin.equals(read)) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The admin and read-only tokens must differ.");
            }
            DashboardServer server;
            try {
                InetAddress.getByName(bindAddress);
                server = DashboardServer.start(new EngineBackend(jobs, sandboxes), metrics, clock, bindAddress, port, admin, read);
            } catch (UnknownHostException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The dashboard cannot listen on " + bindAddress
                        + ": unknown address. Use an IP address of this machine, such as 127.0.0.1 or 0.0.0.0.", e);
            } catch (IOException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The dashboard cannot listen on " + bindAddress + ":"
                        + port + " (" + e.getMessage() + "). Choose another port, or 0 for a free one.", e);
            }
            return new Dashboard(server, urlHost(bindAddress), admin, read);
        }

        private static String urlHost(String bindAddress) {
            if (bindAddress.equals("0.0.0.0") || bindAddress.equals("::") || bindAddress.equals("[::]")) {
                return "127.0.0.1";
            }
            return bindAddress.contains(":") && !bindAddress.startsWith("[") ? "[" + bindAddress + "]" : bindAddress;
        }

        private static String checkToken(String value) {
            if (value == null || value.length() < 16 || !value.matches("[A-Za-z0-9._~-]+")) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A dashboard token needs at least 16 characters of"
                        + " letters, digits and . _ ~ - (so that it is safe in a URL).");
            }
            return value;
        }

        private static String newToken() {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }
}
