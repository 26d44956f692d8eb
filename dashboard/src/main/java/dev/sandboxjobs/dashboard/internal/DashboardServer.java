package dev.sandboxjobs.dashboard.internal;

import dev.sandboxjobs.dashboard.DashboardMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dashboard's Jetty server: one connector, the dashboard handler, a timer for log streams. */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final AtomicInteger TIMERS = new AtomicInteger();

    private final Server server;
    private final ServerConnector connector;
    private final ScheduledExecutorService timer;

    private DashboardServer(Server server, ServerConnector connector, ScheduledExecutorService timer) {
        this.server = server;
        this.connector = connector;
        this.timer = timer;
    }

    /**
     * Starts listening on {@code bindAddress:port} (0: a free port).
     *
     * @throws IOException when the address cannot be bound
     */
    public static DashboardServer start(DashboardBackend backend, DashboardMetrics metrics, Clock clock, String bindAddress,
                                        int port, String adminToken, String readToken) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("sandbox-jobs-dashboard");
        threads.setDaemon(true);
        threads.setStopTimeout(1000);
        Server server = new Server(threads);
        server.setStopTimeout(1000);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bindAddress);
        connector.setPort(port);
        server.addConnector(connector);

        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sandbox-jobs-dashboard-timer-" + TIMERS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ApiHandler api = new ApiHandler(backend, metrics, new LogStream(backend, timer, clock), clock);
        GzipHandler gzip = new GzipHandler(new DashboardHandler(new Access(adminToken, readToken), api, new Assets()));
        gzip.addExcludedMimeTypes("text/event-stream");
        server.setHandler(gzip);
        try {
            server.start();
        } catch (Exception e) {
            timer.shutdownNow();
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        LOG.info("dashboard listening on {}:{}", bindAddress, connector.getLocalPort());
        return new DashboardServer(server, connector, timer);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("dashboard stopped with an error", e);
        } finally {
            timer.shutdownNow();
        }
    }
}
