package dev.sandboxjobs.engine.internal.proxy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preview-URL reverse proxy: routes {@code http://{port}-{label}-{token}.{suffix}:{proxyPort}/}
 * to port {@code port} of the sandbox's container.
 *
 * <p>How a connection is handled: the proxy reads one request head, checks the host name, the
 * token (constant time), the sandbox's state and the port, connects to the container, and
 * forwards the head with {@code Connection: close}, then pipes bytes both ways without buffering
 * bodies. Every response goes back with {@code Connection: close}, so every request on a client
 * connection is authorised on its own: there is no keep-alive across the proxy. A WebSocket
 * upgrade keeps {@code Connection: Upgrade}; after the {@code 101} the connection is a plain
 * byte pipe in both directions until either side closes. Server-Sent Events and other streamed
 * responses flow through as they are written.
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
    static final int CONNECT_TIMEOUT_MS = 3000;
    static final int HEAD_TIMEOUT_MS = 30_000;
    static final int MAX_CONNECTIONS = 512;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final PreviewOptions options;
    private final PreviewTargets targets;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ExecutorService workers;
    private ServerSocket server;
    private volatile boolean closed;

    public PreviewProxy(PreviewOptions options, PreviewTargets targets) {
        this.options = Objects.requireNonNull(options, "options");
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    /** Starts listening if not yet started; returns the port. Safe to call many times. */
    public synchronized int start() {
        if (closed) {
            throw new SandboxException(ErrorCode.CLOSED, "The preview proxy is closed.");
        }
        if (server != null) {
            return server.getLocalPort();
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(options.bindAddress()), options.port()), 128);
            server = socket;
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The preview proxy cannot listen on "
                    + options.bindAddress() + ":" + options.port() + " (" + e.getMessage()
                    + "). Choose another port in PreviewOptions, or 0 for a free one.", e);
        }
        workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "preview-proxy-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Thread acceptor = new Thread(this::acceptLoop, "preview-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("preview proxy listening on {}:{}", options.bindAddress(), server.getLocalPort());
        return server.getLocalPort();
    }

    /** Whether {@link #start()} has run and {@link #close()} has not. */
    public synchronized boolean isRunning() {
        return server != null && !closed;
    }

    /** The preview URL of a sandbox port; starts the proxy if it is not running. */
    public String urlFor(String sandboxId, int port, String token) {
        return PreviewHost.of(port, sandboxId, token).url(options.hostSuffix(), start());
    }

    private void acceptLoop() {
        ServerSocket socket;
        synchronized (this) {
            socket = server;
        }
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("preview proxy stopped accepting connections", e);
                }
                return;
            }
            if (!slots.tryAcquire()) {
                workers.execute(() -> {
                    try (client) {
                        client.setSoTimeout(HEAD_TIMEOUT_MS);
                        sendError(client.getOutputStream(), 503, "Too many connections", "TOO_MANY_CONNECTIONS",
                                "The preview proxy has " + MAX_CONNECTIONS + " open connections. Retry shortly.");
                    } catch (IOException e) {
                        // the client is gone
                    }
                });
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        handle(client);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RuntimeException e) {
                slots.release();
                closeQuietly(client);
            }
        }
    }

    private void handle(Socket client) {
        open.add(client);
        Socket upstream = null;
        try {
            client.setSoTimeout(HEAD_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            InputStream clientIn = client.getInputStream();
            OutputStream clientOut = client.getOutputStream();
            HttpHead request;
            try {
                request = HttpHead.read(clientIn, new byte[0]);
            } catch (HttpHead.BadHead e) {
                sendError(clientOut, 400, "Bad request", "BAD_REQUEST", "The request could not be read: " + e.getMessage());
                return;
            }
            if (request == null) {
                return;
            }
            String[] requestLine = request.startLine.split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                sendError(clientOut, 400, "Bad request", "BAD_REQUEST", "Only HTTP/1.x requests are proxied.");
                return;
            }
            String target = requestLine[1];
            String hostHeader = request.header("Host");
            if (target.startsWith("http://")) {
                // absolute form (a client using the proxy as a forward proxy): its authority wins
                URI uri = URI.create(target);
                hostHeader = uri.getRawAuthority();
                target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            }
            Optional<PreviewHost> parsed = PreviewHost.parse(hostHeader, options.hostSuffix());
            if (parsed.isEmpty()) {
                sendError(clientOut, 404, "Not found", "NOT_FOUND", "This is the Sandbox Jobs preview proxy, and "
                        + "this host name is not a preview URL. Preview URLs look like http://{port}-{sandbox}-{token}."
                        + options.hostSuffix() + ":{proxyPort}/ and are returned by sandbox.exposePort(port).");
                return;
            }
            PreviewHost host = parsed.get();
            PreviewTarget sandbox = null;
            for (PreviewTarget candidate : targets.lookup(host.label())) {
                if (PreviewTokens.matches(candidate.token(), host.token())) {
                    sandbox = candidate;
                }
            }
            if (sandbox == null) {
                sendError(clientOut, 404, "Not found", "NOT_FOUND", "No preview at this address. The URL is wrong or "
                        + "incomplete (it must carry the token returned by exposePort), or the sandbox no longer exists.");
                return;
            }
            if (sandbox.state() == PreviewTarget.State.GONE) {
                sendError(clientOut, 410, "Sandbox destroyed", ErrorCode.SANDBOX_DESTROYED.name(), "Sandbox "
                        + sandbox.sandboxId() + " has been destroyed, and its preview URLs with it.");
                return;
            }
            if (!sandbox.exposedPorts().contains(host.port())) {
                sendError(clientOut, 404, "Port not exposed", ErrorCode.PORT_NOT_EXPOSED.name(), "Port " + host.port()
                        + " of sandbox " + sandbox.sandboxId() + " is not exposed. Call sandbox.exposePort(" + host.port()
                        + ") first; exposed ports: " + sandbox.exposedPorts() + ".");
                return;
            }
            if (sandbox.state() == PreviewTarget.State.SLEEPING) {
                Optional<PreviewTarget> woken = wake(sandbox.sandboxId());
                if (woken.isEmpty() || woken.get().state() != PreviewTarget.State.RUNNING || woken.get().address() == null) {
                    sendError(clientOut, 503, "Sandbox asleep", "SANDBOX_ASLEEP", "Sandbox " + sandbox.sandboxId()
                            + " is asleep and could not be woken. Retry, or wake it with engine.getSandbox(id).");
                    return;
                }
                sandbox = woken.get();
            }
            if (sandbox.address() == null) {
                sendError(clientOut, 503, "Sandbox not running", "SANDBOX_NOT_RUNNING", "Sandbox " + sandbox.sandboxId()
                        + " has no network address right now. Retry shortly.");
                return;
            }
            upstream = new Socket();
            open.add(upstream);
            try {
                upstream.connect(new InetSocketAddress(sandbox.address(), host.port()), CONNECT_TIMEOUT_MS);
            } catch (ConnectException | NoRouteToHostException e) {
                sendError(clientOut, 502, "Service not listening", "SERVICE_NOT_LISTENING", "Nothing is listening on port "
                        + host.port() + " in sandbox " + sandbox.sandboxId() + ". Start the service, and make it listen on "
                        + "0.0.0.0 (not 127.0.0.1) so that it is reachable from outside the container.");
                return;
            } catch (SocketTimeoutException e) {
                sendError(clientOut, 504, "Sandbox not answering", "SERVICE_TIMEOUT", "Port " + host.port()
                        + " of sandbox " + sandbox.sandboxId() + " did not accept a connection within "
                        + CONNECT_TIMEOUT_MS + " ms.");
                return;
            }
            upstream.setTcpNoDelay(true);
            boolean upgrade = request.headerHasToken("Connection", "upgrade") && request.header("Upgrade") != null;
            List<String[]> added = new ArrayList<>();
            added.add(new String[] {"Host", "localhost:" + host.port()});
            if (upgrade) {
                added.add(new String[] {"Connection", "Upgrade"});
                added.add(new String[] {"Upgrade", request.header("Upgrade")});
            } else {
                added.add(new String[] {"Connection", "close"});
            }
            added.add(new String[] {"X-Forwarded-Host", hostHeader});
            added.add(new String[] {"X-Forwarded-Proto", "http"});
            added.add(new String[] {"X-Forwarded-For", client.getInetAddress().getHostAddress()});
            OutputStream upstreamOut = upstream.getOutputStream();
            upstreamOut.write(request.rewrite(requestLine[0] + " " + target + " " + requestLine[2],
                    List.of("Host", "Upgrade", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-For"), added));
            upstreamOut.write(request.rest);
            upstreamOut.flush();
            client.setSoTimeout(0);

            Socket up = upstream;
            workers.execute(() -> pump(client, up, upgrade));
            relayResponse(upstream, client, upgrade);
        } catch (IOException e) {
            LOG.debug("preview connection ended: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("preview connection failed", e);
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private Optional<PreviewTarget> wake(String sandboxId) {
        try {
            return targets.wake(sandboxId);
        } catch (RuntimeException e) {
            LOG.warn("could not wake sandbox {} for a preview request", sandboxId, e);
            return Optional.empty();
        }
    }

    /** Upstream to client: response heads rewritten to Connection: close, then raw bytes. */
    private void relayResponse(Socket upstream, Socket client, boolean upgradeRequested) throws IOException {
        InputStream upstreamIn = upstream.getInputStream();
        OutputStream clientOut = client.getOutputStream();
        byte[] carried = new byte[0];
        while (true) {
            HttpHead response;
            try {
                response = HttpHead.read(upstreamIn, carried);
            } catch (HttpHead.BadHead e) {
                sendError(clientOut, 502, "Bad response", "BAD_RESPONSE", "The service in the sandbox sent a response "
                        + "the proxy could not read: " + e.getMessage());
                return;
            }
            if (response == null) {
                sendError(clientOut, 502, "Empty response", "EMPTY_RESPONSE",
                        "The service in the sandbox closed the connection without answering.");
                return;
            }
            int status = response.status();
            if (status == 101 && upgradeRequested) {
                clientOut.write(response.rewrite(response.startLine, List.of(), List.of(
                        new String[] {"Connection", "Upgrade"},
                        new String[] {"Upgrade", String.valueOf(response.header("Upgrade"))})));
                clientOut.write(response.rest);
                clientOut.flush();
                break;
            }
            if (status >= 100 && status < 200) {
                clientOut.write(response.rewrite(response.startLine, List.of(), List.of()));
                clientOut.flush();
                carried = response.rest;
                continue;
            }
            clientOut.write(response.rewrite(response.startLine, List.of(), List.<String[]>of(new String[] {"Connection", "close"})));
            clientOut.write(response.rest);
            clientOut.flush();
            break;
        }
        copy(upstreamIn, clientOut);
        shutdownOutput(client);
    }

    /** Client to upstream: the request body, or the client's half of an upgraded connection. */
    private void pump(Socket client, Socket upstream, boolean upgrade) {
        try {
            copy(client.getInputStream(), upstream.getOutputStream());
            if (upgrade) {
                shutdownOutput(upstream);
            }
        } catch (IOException e) {
            // either side closed; the response side cleans up
            closeQuietly(upstream);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    static void sendError(OutputStream out, int status, String title, String code, String message) throws IOException {
        String body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + status + " " + escape(title)
                + "</title></head>\n<body><h1>" + status + " " + escape(title) + "</h1>\n<p>" + escape(message)
                + "</p>\n<p><small>Sandbox Jobs preview proxy &middot; " + escape(code) + "</small></p></body></html>\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + title + "\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "X-Sandbox-Jobs-Error: " + code + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void shutdownOutput(Socket socket) {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // already closed
        }
    }

    private void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops listening and closes every proxied connection. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
