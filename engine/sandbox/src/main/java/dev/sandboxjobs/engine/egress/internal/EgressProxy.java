package dev.sandboxjobs.engine.egress.internal;

import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.HeaderInjection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress proxy: an HTTP forward proxy with CONNECT, on Jetty (the HTTP server library the
 * engine uses elsewhere), that knows each sandbox by the address it connects from and applies
 * that sandbox's {@link EgressPolicy} to every request and tunnel.
 *
 * <ul>
 * <li>{@code CONNECT host:port} (HTTPS and any TCP): checked, then tunnelled to an address the
 *     check approved, or through the {@link UpstreamProxy}; a host with injected headers is
 *     tunnelled instead to the proxy's own TLS connector, which presents a certificate from the
 *     engine's CA, reads the requests, and forwards them over TLS with the headers added.</li>
 * <li>Absolute-form requests ({@code GET http://host/path}): checked and forwarded, headers
 *     injected.</li>
 * <li>Denials are a 403 whose body and {@code X-Sandbox-Jobs-Egress} header name the host and
 *     the policy; each decision goes to the sandbox's egress log.</li>
 * </ul>
 */
public final class EgressProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EgressProxy.class);
    static final String DENIED_HEADER = "X-Sandbox-Jobs-Egress";
    /** Bytes a CONNECT tunnel reads at a time, each way. */
    static final int TUNNEL_BUFFER_BYTES = 64 * 1024;

    /** A sandbox connecting to the proxy, with the policy in force now. */
    public record Client(String sandboxId, EgressPolicy policy) {}

    /** Who is connecting: the engine's sandboxes by address, and by id. */
    public interface Clients {
        /** The sandbox whose container has {@code address}, or null. */
        Client identify(InetAddress address);

        /** The sandbox with this id and its current policy, or null. */
        Client byId(String sandboxId);
    }

    /** Where decisions go (the egress log). */
    public interface Events {
        void record(String sandboxId, EgressEvent event);
    }

    /** A tunnel being read by the TLS-terminating connector: which sandbox, which real host. */
    record MitmTarget(String sandboxId, String host, int port) {}

    /** The HTTP client's destination tag: requests of one sandbox share connections, never another's. */
    record Tag(String sandboxId) {}

    private final Clients clients;
    private final Events events;
    private final Supplier<CertificateAuthority> ca;
    private final UpstreamProxy upstream;
    private final List<X509Certificate> extraTrust;
    private final Clock clock;
    final PolicyCheck check;
    private final Map<Integer, MitmTarget> mitmTargets = new ConcurrentHashMap<>();
    private Server server;
    private ServerConnector mitmConnector;
    private HttpClient client;
    private volatile int port;

    public EgressProxy(Clients clients, Events events, Supplier<CertificateAuthority> ca, UpstreamProxy upstream,
                       List<X509Certificate> extraTrust, Clock clock) {
        this.clients = clients;
        this.events = events;
        this.ca = ca;
        this.upstream = upstream;
        this.extraTrust = List.copyOf(extraTrust);
        this.clock = clock;
        this.check = new PolicyCheck(new Addresses(), InetAddress::getAllByName);
    }

    /**
     * Starts listening on {@code bind} (port 0 for any); returns the port.
     *
     * @throws java.io.IOException (wrapped by Jetty) when the address cannot be bound
     */
    public synchronized int start(InetSocketAddress bind) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("sandbox-jobs-egress");
        threads.setDaemon(true);
        server = new Server(threads);
        client = newHttpClient(threads);
        server.addBean(client);

        // npm and others send CONNECT host:443 with "Host: host": accept the port's absence
        HttpConfiguration http = new HttpConfiguration();
        http.setHttpCompliance(HttpCompliance.RFC9110.with("SANDBOX_EGRESS", HttpCompliance.Violation.MISMATCHED_AUTHORITY));
        http.setSendServerVersion(false);
        ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(http));
        plain.setHost(bind.getAddress().getHostAddress());
        plain.setPort(bind.getPort());
        plain.setIdleTimeout(300_000);
        server.addConnector(plain);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(mitmContext());
        mitmConnector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        mitmConnector.setHost("127.0.0.1");
        mitmConnector.setPort(0);
        mitmConnector.setIdleTimeout(300_000);
        mitmConnector.addEventListener(new Connection.Listener() {
            @Override
            public void onClosed(Connection connection) {
                SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
                if (remote instanceof InetSocketAddress a) {
                    mitmTargets.remove(a.getPort());
                }
            }
        });
        server.addConnector(mitmConnector);

        ForwardHandler forward = new ForwardHandler(this, false);
        forward.setHttpClient(client);
        TunnelHandler tunnel = new TunnelHandler(this, forward);
        tunnel.setIdleTimeout(300_000);
        // Jetty's default is 4 KiB per read: a 10 MiB download through a tunnel took 2,560 selector rounds
        tunnel.setBufferSize(TUNNEL_BUFFER_BYTES);
        ForwardHandler mitm = new ForwardHandler(this, true);
        mitm.setHttpClient(client);
        server.setHandler(new Handler.Sequence(tunnel, mitm));
        server.start();
        port = plain.getLocalPort();
        return port;
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.debug("Stopping the egress proxy failed", e);
            }
            server = null;
        }
    }

    // ----- used by the handlers

    boolean fromMitmConnector(Request request) {
        return request.getConnectionMetaData().getConnector() == mitmConnector;
    }

    int mitmPort() {
        return mitmConnector.getLocalPort();
    }

    Client identify(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress a ? clients.identify(a.getAddress()) : null;
    }

    Client byId(String sandboxId) {
        return clients.byId(sandboxId);
    }

    MitmTarget mitmTarget(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress a ? mitmTargets.get(a.getPort()) : null;
    }

    void registerMitm(int localPort, MitmTarget target) {
        mitmTargets.put(localPort, target);
    }

    UpstreamProxy upstreamFor(String host) {
        return upstream != null && upstream.appliesTo(host) ? upstream : null;
    }

    /** The injections of {@code policy} that apply to {@code host}. */
    static List<HeaderInjection> injectionsFor(EgressPolicy policy, String host) {
        return policy.injections().stream().filter(i -> i.appliesTo(PolicyCheck.normalize(host))).toList();
    }

    /** Whether a tunnel to {@code host} is read (TLS terminated) so that headers can be injected. */
    static boolean inspects(EgressPolicy policy, String host) {
        return policy.trustProxyCa() && !injectionsFor(policy, host).isEmpty();
    }

    void record(String sandboxId, String host, int port, String method, boolean allowed, String reason,
                List<String> injected) {
        try {
            events.record(sandboxId, new EgressEvent(clock.instant(), PolicyCheck.normalize(host), port, method, allowed,
                    reason, injected));
        } catch (RuntimeException e) {
            LOG.debug("Recording an egress event failed", e);
        }
    }

    /** Writes the 403 that names the host and the policy, and closes the connection. */
    static void deny(Request request, Response response, Callback callback, String reason) {
        String body = "Blocked by the sandbox's egress policy: " + reason + "\n";
        response.setStatus(403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(DENIED_HEADER, ascii(reason));
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        Content.Sink.write(response, true, body, callback);
    }

    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.toString();
    }

    private HttpClient newHttpClient(QueuedThreadPool threads) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(TrustStores.clientContext(extraTrust));
        org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setExecutor(threads);
        HttpClient c = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        c.setExecutor(threads);
        c.setFollowRedirects(false);
        c.setUserAgentField(null);
        c.setIdleTimeout(120_000);
        c.setConnectTimeout(15_000);
        c.setDestinationIdleTimeout(120_000);
        c.setMaxConnectionsPerDestination(64);
        c.setSocketAddressResolver(new PolicyResolver(this, threads));
        if (upstream != null) {
            HttpProxy p = new HttpProxy(upstream.host(), upstream.port());
            upstream.noProxy().forEach(n -> p.getExcludedAddresses().add(n.startsWith(".") ? "*" + n : n));
            c.getProxyConfiguration().addProxy(p);
        }
        return c;
    }

    private SSLContext mitmContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManager km = new MitmKeyManager(ca, p -> {
            MitmTarget t = mitmTargets.get(p);
            return t == null ? null : t.host();
        });
        context.init(new KeyManager[] {km}, null, new SecureRandom());
        return context;
    }
}
