package dev.sandboxjobs.engine.internal.proxy;

import java.net.URI;

/**
 * Where one authorised preview request goes: the sandbox, the port it asked for, and how the
 * proxy connects there. Made by {@link PreviewUpstreams} after the router's token check; read by
 * the HTTP forwarder and the WebSocket bridge. How a sandbox port is reached is decided there and
 * only there.
 *
 * @param sandboxId the sandbox
 * @param port the sandbox port
 * @param address the host or IP at which the sandbox's ports are reached
 * @param tunnel the Unix socket of a tunnel to the port ({@link TunnelListeners}); null to connect
 *     to {@code address} directly
 * @param forwardedHost the preview host the client asked for (sent as {@code X-Forwarded-Host})
 * @param clientAddress the client's IP (sent as {@code X-Forwarded-For})
 */
record PreviewRoute(String sandboxId, int port, String address, TunnelListeners.Socket tunnel, String forwardedHost, String clientAddress) {
    /** Request attribute under which the router leaves the route for the forwarder. */
    static final String ATTRIBUTE = PreviewRoute.class.getName();

    /** A route straight to the container's address. */
    PreviewRoute(String sandboxId, int port, String address, String forwardedHost, String clientAddress) {
        this(sandboxId, port, address, null, forwardedHost, clientAddress);
    }

    /**
     * The service's origin, for a given scheme ({@code http} or {@code ws}). Through a tunnel the
     * host is the name that stands for the tunnel's socket; the proxy's clients connect there.
     */
    URI upstream(String scheme) {
        if (tunnel != null) {
            return URI.create(scheme + "://" + tunnel.host() + ":" + port);
        }
        String host = address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
        return URI.create(scheme + "://" + host + ":" + port);
    }

    /** The Host header the service sees: as if it were called on its own machine. */
    String upstreamHost() {
        return "localhost:" + port;
    }
}
