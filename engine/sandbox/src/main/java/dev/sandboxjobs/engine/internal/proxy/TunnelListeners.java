package dev.sandboxjobs.engine.internal.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's side of {@link TunnelTransport}: for each tunnelled sandbox port, a Unix socket in
 * a directory only this user can enter, on which the proxy's HTTP and WebSocket clients connect
 * as to any service. Each accepted connection opens a tunnel and is relayed to it
 * ({@link SocketPairs}); the clients' connection pools thus keep tunnels alive between requests.
 * A Unix socket rather than a loopback TCP port: other users of the machine cannot reach the
 * sandbox's service by it, since the preview token is checked before the proxy connects here.
 */
final class TunnelListeners implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelListeners.class);

    private final TunnelTransport transport;
    private final ExecutorService threads;
    private final Map<String, Listener> listeners = new HashMap<>();
    private final Map<String, Path> hosts = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger names = new AtomicInteger();
    private Path directory;
    private boolean closed;

    TunnelListeners(TunnelTransport transport) {
        this.transport = transport;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "preview-tunnel-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The host names that stand for tunnels in upstream URIs end so (a reserved, never resolved domain). */
    static final String HOST_SUFFIX = ".tunnel.sandbox-jobs.invalid";

    /** The socket of the tunnel that {@code host} (from {@link #socketFor}) stands for; null for any other host. */
    Path socketOfHost(String host) {
        return host == null ? null : hosts.get(host);
    }

    /**
     * A tunnel's Unix socket, and the host name that stands for it in upstream URIs (the proxy's
     * clients map the name back to the socket: {@link #socketOfHost}).
     */
    record Socket(Path path, String host) {}

    /** The socket on which port {@code port} of the sandbox is reached; made on first use. */
    synchronized Socket socketFor(String sandboxId, int port) throws IOException {
        if (closed) {
            throw new IOException("the preview proxy is closed");
        }
        String key = sandboxId + "\n" + port;
        Listener listener = listeners.get(key);
        if (listener == null || !listener.server.isOpen()) {
            if (listener != null) {
                listener.close(); // its host name and socket file go with it, not left mapped to a dead socket
            }
            if (directory == null) {
                directory = Files.createTempDirectory("sandbox-jobs-tunnels-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            int name = names.incrementAndGet();
            Path path = directory.resolve(name + ".sock");
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            listener = new Listener(sandboxId, port, path, "t" + name + HOST_SUFFIX, server);
            hosts.put(listener.host, path);
            listeners.put(key, listener);
            threads.execute(listener::acceptLoop);
        }
        return new Socket(listener.path, listener.host);
    }

    /** Closes the sockets of one port of a sandbox (or all its ports when {@code port} is negative). */
    void forget(String sandboxId, int port) {
        List<Listener> gone = new ArrayList<>();
        synchronized (this) {
            listeners.values().removeIf(l -> {
                boolean match = l.sandboxId.equals(sandboxId) && (port < 0 || l.port == port);
                if (match) {
                    gone.add(l);
                }
                return match;
            });
        }
        gone.forEach(Listener::close);
    }

    @Override
    public void close() {
        List<Listener> all;
        Path dir;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(listeners.values());
            listeners.clear();
            dir = directory;
        }
        all.forEach(Listener::close);
        threads.shutdownNow();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                LOG.debug("could not delete {}", dir, e);
            }
        }
    }

    private final class Listener {
        final String sandboxId;
        final int port;
        final Path path;
        final String host;
        final ServerSocketChannel server;

        Listener(String sandboxId, int port, Path path, String host, ServerSocketChannel server) {
            this.sandboxId = sandboxId;
            this.port = port;
            this.path = path;
            this.host = host;
            this.server = server;
        }

        void acceptLoop() {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                try {
                    threads.execute(() -> serve(client));
                } catch (RuntimeException e) {
                    SocketPairs.closeQuietly(client); // shutting down
                }
            }
        }

        private void serve(SocketChannel client) {
            SocketPairs.End local = SocketPairs.of(client);
            TunnelTransport.Tunnel tunnel;
            try {
                tunnel = transport.open(sandboxId, port);
            } catch (ConnectException e) {
                refuse(local, 502, "Bad Gateway", "SERVICE_NOT_LISTENING", PreviewForwarder.notListening(sandboxId, port));
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("tunnel to port {} of sandbox {} failed", port, sandboxId, e);
                refuse(local, 502, "Bad Gateway", "TUNNEL_FAILED", "The preview proxy could not open a tunnel through Docker"
                        + " to port " + port + " of sandbox " + sandboxId + ": " + e.getMessage());
                return;
            }
            SocketPairs.relay(local, SocketPairs.of(tunnel), threads);
        }

        /** Answers the request that comes on the connection with the proxy's own error page. */
        private void refuse(SocketPairs.End local, int status, String reason, String code, String message) {
            try {
                readRequestHead(local.input());
                OutputStream out = local.output();
                out.write(PreviewErrors.rawResponse(status, reason, code, message));
                out.flush();
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not answer a refused tunnel connection", e);
            } finally {
                SocketPairs.closeQuietly(local);
            }
        }

        void close() {
            hosts.remove(host);
            SocketPairs.closeQuietly(server);
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.debug("could not delete {}", path, e);
            }
        }
    }

    /** Reads up to the blank line that ends an HTTP request's head (or 64 KiB, or the end). */
    static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int i = 0; i < 65536 && matched < 4; i++) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
    }
}
