package dev.sandboxjobs.engine.egress.internal;

import dev.sandboxjobs.engine.egress.HeaderInjection;
import java.util.List;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards HTTP requests for sandboxes, adding injected headers: absolute-form requests sent to
 * the proxy ({@code GET http://host/path}, checked here), or, with {@code mitm}, requests read
 * from a tunnel whose TLS the proxy terminated (checked when the tunnel was opened, sent to the
 * tunnel's real host over TLS whatever their {@code Host} header says).
 */
final class ForwardHandler extends ProxyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardHandler.class);
    private static final String CLIENT = "dev.sandboxjobs.egress.client";
    private static final String HOST = "dev.sandboxjobs.egress.host";

    private final EgressProxy proxy;
    private final boolean mitm;

    ForwardHandler(EgressProxy proxy, boolean mitm) {
        this.proxy = proxy;
        this.mitm = mitm;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (mitm != proxy.fromMitmConnector(request)) {
            return false;
        }
        if (mitm) {
            EgressProxy.MitmTarget target = proxy.mitmTarget(request);
            EgressProxy.Client client = target == null ? null : proxy.byId(target.sandboxId());
            if (client == null) {
                EgressProxy.deny(request, response, callback, "this tunnel belongs to no sandbox of the engine");
                return true;
            }
            request.setAttribute(CLIENT, client);
            request.setAttribute(HOST, target.host());
            return super.handle(request, response, callback);
        }
        EgressProxy.Client client = proxy.identify(request);
        if (client == null) {
            EgressProxy.deny(request, response, callback, "the connection does not come from a sandbox of this engine");
            return true;
        }
        HttpURI uri = request.getHttpURI();
        if (!uri.isAbsolute() || uri.getHost() == null) {
            EgressProxy.deny(request, response, callback, "this is the sandbox's egress proxy: send requests for"
                    + " http://host/path to it (HTTP_PROXY), or CONNECT host:port");
            return true;
        }
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        PolicyCheck.Verdict v = proxy.check.check(client.policy(), host, port, proxy.upstreamFor(host) == null);
        List<String> injected = EgressProxy.injectionsFor(client.policy(), host).stream()
                .map(HeaderInjection::header).toList();
        proxy.record(client.sandboxId(), host, port, request.getMethod(), v.allowed(), v.reason(),
                v.allowed() ? injected : List.of());
        if (!v.allowed()) {
            EgressProxy.deny(request, response, callback, v.reason());
            return true;
        }
        request.setAttribute(CLIENT, client);
        request.setAttribute(HOST, PolicyCheck.normalize(host));
        return super.handle(request, response, callback);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        if (!mitm) {
            return request.getHttpURI();
        }
        EgressProxy.MitmTarget t = proxy.mitmTarget(request);
        HttpURI.Mutable uri = HttpURI.build(request.getHttpURI()).scheme("https").host(t.host());
        return uri.port(t.port() == 443 ? -1 : t.port());
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI uri) {
        EgressProxy.Client client = (EgressProxy.Client) request.getAttribute(CLIENT);
        return super.newProxyToServerRequest(request, uri).tag(new EgressProxy.Tag(client.sandboxId()));
    }

    /** No Via or Forwarded header (they would tell servers about sandboxes); the injected headers instead. */
    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request proxyToServer) {
        EgressProxy.Client client = (EgressProxy.Client) request.getAttribute(CLIENT);
        String host = (String) request.getAttribute(HOST);
        for (HeaderInjection i : EgressProxy.injectionsFor(client.policy(), host)) {
            String value;
            try {
                value = i.value().reveal();
            } catch (RuntimeException e) {
                LOG.warn("The secret for {} could not be resolved; the request goes without it", i);
                continue;
            }
            proxyToServer.headers(h -> h.put(i.header(), value));
        }
    }

    @Override
    protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request proxyToServer,
                                                  org.eclipse.jetty.client.Response serverToProxy, Response response,
                                                  Callback callback, Throwable failure) {
        EgressDenied denied = EgressDenied.in(failure);
        if (denied != null && !response.isCommitted()) {
            EgressProxy.deny(request, response, callback, denied.getMessage());
            return;
        }
        super.onServerToProxyResponseFailure(request, proxyToServer, serverToProxy, response, callback, failure);
    }
}
