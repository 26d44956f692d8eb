package dev.sandboxjobs.engine.egress.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Name resolution of the proxy's HTTP client: a request tagged with a sandbox is resolved through
 * that sandbox's policy, so the client connects only to addresses the policy approved (a DNS
 * answer that changed since the request was checked is checked again). Untagged lookups (the
 * upstream proxy's own address) resolve normally.
 */
final class PolicyResolver implements SocketAddressResolver {
    private final EgressProxy proxy;
    private final Executor executor;

    PolicyResolver(EgressProxy proxy, Executor executor) {
        this.proxy = proxy;
        this.executor = executor;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        Object destination = context.get(Destination.CONTEXT_KEY);
        Object tag = destination instanceof Destination d ? d.getOrigin().getTag() : null;
        executor.execute(() -> {
            try {
                UpstreamProxy upstream = proxy.upstreamFor(host);
                boolean isUpstream = upstream != null && upstream.host().equalsIgnoreCase(host) && upstream.port() == port;
                if (!(tag instanceof EgressProxy.Tag t) || isUpstream) {
                    promise.succeeded(Arrays.stream(InetAddress.getAllByName(host))
                            .map(a -> new InetSocketAddress(a, port)).toList());
                    return;
                }
                EgressProxy.Client client = proxy.byId(t.sandboxId());
                if (client == null) {
                    promise.failed(new EgressDenied(host + ":" + port + " denied: the sandbox is gone"));
                    return;
                }
                PolicyCheck.Verdict v = proxy.check.check(client.policy(), host, port, true);
                if (!v.allowed()) {
                    promise.failed(new EgressDenied(v.reason()));
                    return;
                }
                promise.succeeded(v.addresses().stream().map(a -> new InetSocketAddress(a, port)).toList());
            } catch (Exception e) {
                promise.failed(e);
            }
        });
    }
}
