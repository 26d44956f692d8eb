package dev.sandboxjobs.engine.internal.proxy;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * Two WebSocket sessions joined end to end: text and binary frames (fragments included), pings,
 * pongs and the close status go from each side to the other. Back-pressure: a side asks Jetty
 * for its next frame only when the previous one has been written to the other side, so a slow
 * reader slows the writer down instead of filling the proxy's memory.
 *
 * <p>Public only because Jetty calls the endpoints' methods through method handles.
 */
public final class WebSocketBridge {
    private final Side client = new Side("client");
    private final Side service = new Side("service");
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Runnable onEnd;

    /** {@code onEnd} runs once, when either side closes or fails. */
    WebSocketBridge(Runnable onEnd) {
        this.onEnd = onEnd;
        client.peer = service;
        service.peer = client;
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    /** The endpoint facing the browser. */
    Session.Listener client() {
        return client;
    }

    /** The endpoint facing the service in the sandbox. */
    Session.Listener service() {
        return service;
    }

    /** One end of the bridge. */
    public final class Side implements Session.Listener {
        private final String name;
        private Side peer;
        private volatile Session session;

        Side(String name) {
            this.name = name;
        }

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
            // frames flow once both sides are open (the service side opens first)
            if (open.incrementAndGet() == 2) {
                opened.demand();
                peer.session.demand();
            }
        }

        @Override
        public void onWebSocketPartialText(String payload, boolean last) {
            peer.session.sendPartialText(payload, last, Callback.from(this::demand, this::fail));
        }

        @Override
        public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback callback) {
            peer.session.sendPartialBinary(payload, last, Callback.from(() -> {
                callback.succeed();
                demand();
            }, failure -> {
                callback.fail(failure);
                fail(failure);
            }));
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            peer.session.sendPing(payload, Callback.from(this::demand, this::fail));
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            peer.session.sendPong(payload, Callback.from(this::demand, this::fail));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            end();
            Session other = peer.session;
            if (other == null || !other.isOpen()) {
                return;
            }
            if (StatusCode.isTransmittable(statusCode)) {
                other.close(statusCode, reason, Callback.NOOP);
            } else if (statusCode == StatusCode.NO_CODE) {
                other.close(StatusCode.NORMAL, reason, Callback.NOOP);
            } else {
                other.disconnect();
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            fail(cause);
        }

        private void demand() {
            Session own = session;
            if (own != null && own.isOpen()) {
                own.demand();
            }
        }

        private void fail(Throwable cause) {
            end();
            Session other = peer.session;
            if (other != null && other.isOpen()) {
                other.close(StatusCode.SERVER_ERROR, "preview proxy: the " + name + " side failed", Callback.NOOP);
            }
        }

        @Override
        public String toString() {
            return "WebSocketBridge." + name;
        }
    }
}
