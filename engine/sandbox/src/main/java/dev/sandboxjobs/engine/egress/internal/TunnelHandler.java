package dev.sandboxjobs.engine.egress.internal;

import dev.sandboxjobs.engine.egress.HeaderInjection;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.Promise;

/**
 * {@code CONNECT host:port} for sandboxes: checks the policy, records the decision, and opens the
 * tunnel to an address the check approved, through the upstream proxy, or, for a host with
 * injected headers, to the proxy's own TLS-terminating connector.
 */
final class TunnelHandler extends ConnectHandler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TunnelHandler.class);
    private static final String PLAN = "dev.sandboxjobs.egress.plan";

    /** Where an approved tunnel goes. */
    private record Plan(EgressProxy.Client client, String host, int port, List<InetAddress> addresses, boolean inspect) {}

    private final EgressProxy proxy;

    TunnelHandler(EgressProxy proxy, Handler next) {
        super(next);
        this.proxy = proxy;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (proxy.fromMitmConnector(request)) {
            return false;
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void handleConnect(Request request, Response response, Callback callback, String serverAddress) {
        EgressProxy.Client client = proxy.identify(request);
        if (client == null) {
            EgressProxy.deny(request, response, callback, "the connection does not come from a sandbox of this engine");
            return;
        }
        HostPort hp;
        try {
            hp = new HostPort(serverAddress);
        } catch (IllegalArgumentException e) {
            EgressProxy.deny(request, response, callback, "'" + serverAddress + "' is not host:port");
            return;
        }
        String host = PolicyCheck.normalize(hp.getHost());
        int port = hp.getPort(443);
        boolean viaUpstream = proxy.upstreamFor(host) != null;
        PolicyCheck.Verdict v = proxy.check.check(client.policy(), host, port, !viaUpstream);
        List<HeaderInjection> injections = EgressProxy.injectionsFor(client.policy(), host);
        boolean inspect = v.allowed() && EgressProxy.inspects(client.policy(), host);
        String reason = v.reason();
        if (v.allowed() && !injections.isEmpty() && !inspect) {
            reason += " (headers not injected: the sandbox does not trust the proxy's CA)";
        }
        proxy.record(client.sandboxId(), host, port, "CONNECT", v.allowed(), reason,
                inspect ? injections.stream().map(HeaderInjection::header).toList() : List.of());
        if (!v.allowed()) {
            EgressProxy.deny(request, response, callback, v.reason());
            return;
        }
        List<InetAddress> ordered = v.addresses().stream()
                .sorted(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1)).toList();
        request.setAttribute(PLAN, new Plan(client, host, port, ordered, inspect));
        super.handleConnect(request, response, callback, serverAddress);
    }

    @Override
    protected void connectToServer(Request request, String ignoredHost, int ignoredPort, Promise<SocketChannel> promise) {
        Plan plan = (Plan) request.getAttribute(PLAN);
        SocketChannel channel = null;
        try {
            if (plan.inspect()) {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                // bound first, so that the TLS connector can tell by our port which tunnel this is
                channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.mitmPort()));
                int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                proxy.registerMitm(local, new EgressProxy.MitmTarget(plan.client().sandboxId(), plan.host(), plan.port()));
            } else if (proxy.upstreamFor(plan.host()) != null) {
                channel = proxy.upstreamFor(plan.host()).connect(plan.host(), plan.port(), (int) getConnectTimeout());
            } else {
                channel = SocketChannel.open();
                channel.socket().setTcpNoDelay(true);
                channel.configureBlocking(false);
                channel.connect(new InetSocketAddress(plan.addresses().get(0), plan.port()));
            }
            promise.succeeded(channel);
        } catch (Throwable e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // failing anyway
                }
            }
            promise.failed(e);
        }
    }

    @Override
    protected void onConnectFailure(Request request, Response response, Callback callback, Throwable failure) {
        Plan plan = (Plan) request.getAttribute(PLAN);
        String target = plan == null ? "the server" : plan.host() + ":" + plan.port();
        LOG.debug("The tunnel to {} failed", target, failure);
        response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close");
        Response.writeError(request, response, callback, 502, "Cannot connect to " + target + ": " + failure.getMessage());
    }
}
