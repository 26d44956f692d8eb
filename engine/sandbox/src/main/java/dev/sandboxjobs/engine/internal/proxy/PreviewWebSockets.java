package dev.sandboxjobs.engine.internal.proxy;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * WebSocket pass-through. Jetty's reverse proxy does not carry upgrades, so the proxy is a
 * WebSocket server towards the browser and a WebSocket client towards the service, as Jetty's
 * maintainers advise: the service is connected first (with the client's sub-protocols, cookies
 * and headers), the client's upgrade is accepted with the sub-protocol the service chose, and
 * then every frame is relayed as it comes ({@link WebSocketBridge}), with back-pressure. A
 * service that refuses the upgrade gets its status passed back to the client.
 */
final class PreviewWebSockets {
    /** Headers that belong to one hop of the upgrade, made again by each side. */
    private static final Set<String> NOT_COPIED = Set.of("host", "connection", "upgrade", "keep-alive", "te", "trailer",
            "transfer-encoding", "content-length", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol", "sec-websocket-accept", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-for",
            "x-forwarded-port", "proxy-connection", "proxy-authorization");

    private final ServerWebSocketContainer server;
    private final WebSocketClient client;

    PreviewWebSockets(ServerWebSocketContainer server, WebSocketClient client) {
        this.server = server;
        this.client = client;
    }

    static boolean isUpgrade(Request request) {
        HttpField upgrade = request.getHeaders().getField(HttpHeader.UPGRADE);
        HttpField connection = request.getHeaders().getField(HttpHeader.CONNECTION);
        return upgrade != null && upgrade.contains("websocket") && connection != null
                && connection.contains(HttpHeaderValue.UPGRADE.asString());
    }

    /**
     * Bridges the upgrade to the service; {@code release} runs once when the WebSocket ends (or
     * when it never opens): it lets go of what keeps the sandbox awake meanwhile.
     */
    boolean upgrade(PreviewRoute route, Runnable release, Request request, Response response, Callback callback) {
        boolean handled;
        try {
            handled = server.upgrade((upgradeRequest, upgradeResponse, upgradeCallback) ->
                    connect(route, release, upgradeRequest, upgradeResponse, upgradeCallback), request, response, callback);
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
        if (!handled) {
            release.run();
        }
        return handled;
    }

    private Object connect(PreviewRoute route, Runnable release, ServerUpgradeRequest request, ServerUpgradeResponse response,
            Callback callback) {
        URI target = URI.create(route.upstream("ws") + request.getHttpURI().getPathQuery());
        ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
        for (HttpField field : request.getHeaders()) {
            if (!NOT_COPIED.contains(field.getLowerCaseName())) {
                List<String> existing = upgrade.getHeaders(field.getName());
                if (existing == null || existing.isEmpty()) {
                    upgrade.setHeader(field.getName(), field.getValue());
                } else {
                    upgrade.setHeader(field.getName(), concat(existing, field.getValue()));
                }
            }
        }
        upgrade.setHeader("Host", route.upstreamHost());
        upgrade.setHeader("X-Forwarded-Host", route.forwardedHost());
        upgrade.setHeader("X-Forwarded-Proto", "http");
        upgrade.setHeader("X-Forwarded-For", route.clientAddress());
        if (!request.getSubProtocols().isEmpty()) {
            upgrade.setSubProtocols(request.getSubProtocols());
        }
        upgrade.setTimeout(PreviewProxy.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        WebSocketBridge bridge = new WebSocketBridge(release);
        Session upstream;
        try {
            // a tunnelled target's host stands for its socket: the client's HttpClient connects there
            upstream = client.connect(bridge.service(), target, upgrade)
                    .get(PreviewProxy.CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release.run();
            PreviewErrors.send(response, callback, 503, "Proxy stopping", "CLOSED", "The preview proxy is shutting down.");
            return null;
        } catch (ExecutionException | TimeoutException | java.io.IOException e) {
            release.run();
            refuse(route, e instanceof ExecutionException ? e.getCause() : e, response, callback);
            return null;
        }
        String accepted = upstream.getUpgradeResponse().getAcceptedSubProtocol();
        if (accepted != null) {
            response.setAcceptedSubProtocol(accepted);
        }
        return bridge.client();
    }

    private static List<String> concat(List<String> existing, String value) {
        List<String> all = new java.util.ArrayList<>(existing);
        all.add(value);
        return all;
    }

    private static void refuse(PreviewRoute route, Throwable failure, ServerUpgradeResponse response, Callback callback) {
        UpgradeException refused = find(failure, UpgradeException.class);
        if (refused != null && refused.getResponseStatusCode() > 0) {
            int status = refused.getResponseStatusCode();
            PreviewErrors.send(response, callback, status, "WebSocket refused", "WEBSOCKET_REFUSED", "The service on port "
                    + route.port() + " in sandbox " + route.sandboxId() + " answered the WebSocket upgrade with HTTP " + status + ".");
            return;
        }
        switch (PreviewForwarder.Failure.of(failure)) {
            case REFUSED -> PreviewErrors.send(response, callback, 502, "Service not listening", "SERVICE_NOT_LISTENING",
                    PreviewForwarder.notListening(route));
            case TIMEOUT -> PreviewErrors.send(response, callback, 504, "Sandbox not answering", "SERVICE_TIMEOUT", "Port "
                    + route.port() + " of sandbox " + route.sandboxId() + " did not accept the WebSocket within "
                    + PreviewProxy.CONNECT_TIMEOUT.toMillis() + " ms.");
            default -> PreviewErrors.send(response, callback, 502, "WebSocket failed", "BAD_RESPONSE", "The WebSocket to port "
                    + route.port() + " in sandbox " + route.sandboxId() + " could not be opened: "
                    + String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT));
        }
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
