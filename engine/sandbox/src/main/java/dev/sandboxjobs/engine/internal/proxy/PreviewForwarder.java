package dev.sandboxjobs.engine.internal.proxy;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Forwards an authorised HTTP request to the service in the sandbox with Jetty's reverse proxy:
 * bodies stream both ways without being buffered (large uploads, Server-Sent Events, any
 * streamed response), connections to the service are pooled and kept alive, hop-by-hop headers
 * are dropped. The service sees {@code Host: localhost:{port}} and the preview host in
 * {@code X-Forwarded-Host}. A service that does not answer gets the proxy's own error page.
 */
final class PreviewForwarder extends ProxyHandler.Reverse {
    private static final String[] FORWARDED = {"X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-For", "X-Forwarded-Port"};

    private final Function<String, Path> tunnels;

    PreviewForwarder(Function<String, Path> tunnels) {
        super(PreviewForwarder::target);
        this.tunnels = tunnels;
        setViaHost("sandbox-jobs");
    }

    /**
     * Jetty's proxy starts this client and strips its content decoders and protocol handlers. A
     * tunnelled route's host stands for its Unix socket; the client connects there.
     */
    @Override
    protected HttpClient newHttpClient() {
        return PreviewProxy.newHttpClient("preview-proxy-http", tunnels);
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        // configured in newHttpClient: no redirects, no cookies, timeouts
    }

    private static HttpURI target(Request request) {
        PreviewRoute route = route(request);
        return HttpURI.build(route.upstream("http")).pathQuery(request.getHttpURI().getPathQuery());
    }

    private static PreviewRoute route(Request request) {
        return (PreviewRoute) request.getAttribute(PreviewRoute.ATTRIBUTE);
    }

    @Override
    protected void copyRequestHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        super.copyRequestHeaders(clientToProxyRequest, proxyToServerRequest);
        PreviewRoute route = route(clientToProxyRequest);
        proxyToServerRequest.headers(headers -> {
            for (String name : FORWARDED) {
                headers.remove(name);
            }
            headers.put(HttpHeader.HOST, route.upstreamHost());
        });
    }

    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        PreviewRoute route = route(clientToProxyRequest);
        proxyToServerRequest.headers(headers -> {
            headers.put("X-Forwarded-Host", route.forwardedHost());
            headers.put("X-Forwarded-Proto", "http");
            headers.put("X-Forwarded-For", route.clientAddress());
        });
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse, Callback proxyToClientCallback,
            Throwable failure) {
        if (proxyToClientResponse.isCommitted()) {
            proxyToClientCallback.failed(failure);
            return;
        }
        PreviewRoute route = route(clientToProxyRequest);
        proxyToClientResponse.getHeaders().clear();
        Failure kind = Failure.of(failure);
        switch (kind) {
            case REFUSED -> PreviewErrors.send(proxyToClientResponse, proxyToClientCallback, 502, "Service not listening",
                    "SERVICE_NOT_LISTENING", notListening(route));
            case TIMEOUT -> PreviewErrors.send(proxyToClientResponse, proxyToClientCallback, 504, "Sandbox not answering",
                    "SERVICE_TIMEOUT", "Port " + route.port() + " of sandbox " + route.sandboxId() + " did not answer within "
                            + PreviewProxy.CONNECT_TIMEOUT.toMillis() + " ms.");
            default -> PreviewErrors.send(proxyToClientResponse, proxyToClientCallback, 502, "Bad response", "BAD_RESPONSE",
                    "The service on port " + route.port() + " in sandbox " + route.sandboxId()
                            + " closed the connection or sent a response the proxy could not read (" + failure.getMessage() + ").");
        }
    }

    static String notListening(PreviewRoute route) {
        return notListening(route.sandboxId(), route.port());
    }

    static String notListening(String sandboxId, int port) {
        return "Nothing is listening on port " + port + " in sandbox " + sandboxId + ". Start the service, and "
                + "make it listen on 0.0.0.0 (not 127.0.0.1) so that it is reachable from outside the container.";
    }

    /** Why the service could not be reached. */
    enum Failure {
        REFUSED,
        TIMEOUT,
        OTHER;

        static Failure of(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                    return REFUSED;
                }
                if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                    return TIMEOUT;
                }
            }
            return OTHER;
        }
    }
}
