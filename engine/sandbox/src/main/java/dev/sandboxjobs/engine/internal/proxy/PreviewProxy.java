package dev.sandboxjobs.engine.internal.proxy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.SandboxException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.Objects;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preview-URL reverse proxy: routes {@code http://{port}-{label}-{token}.{suffix}:{proxyPort}/}
 * to port {@code port} of the sandbox's container. It runs on Jetty.
 *
 * <p>How a request is handled ({@link PreviewRouter}): the host name is checked, then the token
 * (constant time), the sandbox's state and the port; a sleeping sandbox is woken. The request
 * then goes to the service in the sandbox through Jetty's reverse proxy ({@link PreviewForwarder}:
 * HTTP/1.1 with keep-alive on both sides, bodies streamed both ways, so Server-Sent Events and
 * other streamed responses flow through as they are written), or, for a WebSocket upgrade,
 * through a WebSocket bridge ({@link PreviewWebSockets}). Client connections are kept alive, and
 * every request on them is authorised on its own.
 *
 * <p>Errors get a short HTML page, a status and an {@code X-Sandbox-Jobs-Error} header with the
 * error code: 404 for a host that is not a preview host, an unknown sandbox or a wrong token
 * (indistinguishable on purpose); 404 {@code PORT_NOT_EXPOSED}; 410 {@code SANDBOX_DESTROYED};
 * 503 when a sleeping sandbox cannot be woken; 502 when nothing listens on the port; 504 when
 * the container does not answer the connection.
 *
 * <p>The proxy does not start until {@link #start()} is called (the engine calls it on the first
 * {@code exposePort}); {@link #close()} is safe twice.
 */
public final class PreviewProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewProxy.class);
    /** How long the proxy waits for a sandbox's service to accept a connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * How long a connection may stay silent: a kept-alive client connection, an SSE stream
     * between two events, a WebSocket between two frames.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    static final int MAX_CONNECTIONS = 512;

    private final PreviewOptions options;
    private final PreviewTargets targets;
    private final PreviewUpstreams upstreams;
    private Server server;
    private ServerConnector connector;
    private boolean closed;

    /** A proxy that connects to the containers' IPs. */
    public PreviewProxy(PreviewOptions options, PreviewTargets targets) {
        this(options, targets, true, null);
    }

    /**
     * A proxy that reaches sandbox ports as {@link PreviewOptions#upstream()} says.
     *
     * @param localDocker whether Docker is on this machine's Unix socket (for {@code AUTO})
     * @param tunnels the tunnel through Docker, or null when there is none (container IPs only)
     */
    public PreviewProxy(PreviewOptions options, PreviewTargets targets, boolean localDocker, TunnelTransport tunnels) {
        this.options = Objects.requireNonNull(options, "options");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.upstreams = new PreviewUpstreams(options.upstream(), localDocker, tunnels);
    }

    /** Starts listening if not yet started; returns the port. Safe to call many times. */
    public synchronized int start() {
        if (closed) {
            throw new SandboxException(ErrorCode.CLOSED, "The preview proxy is closed.");
        }
        if (server != null) {
            return connector.getLocalPort();
        }
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("preview-proxy");
        threads.setDaemon(true);
        threads.setStopTimeout(1000);
        Server jetty = new Server(threads);
        jetty.setStopTimeout(1000);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false);
        // the path belongs to the service in the sandbox: pass it on as it came
        http.setUriCompliance(UriCompliance.LEGACY);
        ServerConnector listener = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        listener.setHost(options.bindAddress());
        listener.setPort(options.port());
        listener.setReuseAddress(true);
        listener.setAcceptQueueSize(128);
        listener.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        jetty.addConnector(listener);
        jetty.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, listener));

        WebSocketClient webSocketClient = new WebSocketClient(newHttpClient("preview-proxy-ws", upstreams::socketOfHost));
        webSocketClient.setIdleTimeout(IDLE_TIMEOUT);
        jetty.addBean(webSocketClient);
        ServerWebSocketContainer webSocketServer = ServerWebSocketContainer.ensure(jetty);
        webSocketServer.setIdleTimeout(IDLE_TIMEOUT);

        jetty.setHandler(new PreviewRouter(options, targets, new PreviewForwarder(upstreams::socketOfHost),
                new PreviewWebSockets(webSocketServer, webSocketClient), upstreams));
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty);
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The preview proxy cannot listen on "
                    + options.bindAddress() + ":" + options.port() + " (" + e.getMessage()
                    + "). Choose another port in PreviewOptions, or 0 for a free one.", e);
        }
        server = jetty;
        connector = listener;
        LOG.info("preview proxy listening on {}:{}", options.bindAddress(), listener.getLocalPort());
        return listener.getLocalPort();
    }

    /**
     * A client towards the sandboxes' services: daemon threads, short connect, long idle. A
     * request whose host stands for a tunnel ({@code tunnels} gives its Unix socket) goes there.
     */
    static HttpClient newHttpClient(String name, Function<String, Path> tunnels) {
        ClientConnector connector = new ClientConnector();
        QueuedThreadPool threads = new QueuedThreadPool(200, 2);
        threads.setName(name);
        threads.setDaemon(true);
        connector.setExecutor(threads);
        connector.setConnectTimeout(CONNECT_TIMEOUT);
        connector.setIdleTimeout(IDLE_TIMEOUT);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector)) {
            @Override
            public org.eclipse.jetty.client.Request newRequest(URI uri) {
                org.eclipse.jetty.client.Request request = super.newRequest(uri);
                Path socket = tunnels.apply(uri.getHost());
                return socket == null ? request : request.transport(new Transport.TCPUnix(socket));
            }
        };
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setUserAgentField(null);
        return client;
    }

    /** Whether {@link #start()} has run and {@link #close()} has not. */
    public synchronized boolean isRunning() {
        return server != null && !closed;
    }

    /** The preview URL of a sandbox port; starts the proxy if it is not running. */
    public String urlFor(String sandboxId, int port, String token) {
        return PreviewHost.of(port, sandboxId, token).url(options.hostSuffix(), start());
    }

    /** Whether every route goes through a tunnel, so that sandboxes without network can be previewed too. */
    public boolean tunnelsOnly() {
        return upstreams.tunnelsOnly();
    }

    /** Closes the tunnels of a sandbox's port, or of all its ports when {@code port} is negative. */
    public void forget(String sandboxId, int port) {
        upstreams.forget(sandboxId, port);
    }

    /** Stops listening and closes every proxied connection. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            stopQuietly(server);
        }
        upstreams.close();
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.debug("preview proxy stopped with an error", e);
        }
    }
}
