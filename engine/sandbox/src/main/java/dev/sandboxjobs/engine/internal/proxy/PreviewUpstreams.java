package dev.sandboxjobs.engine.internal.proxy;

import dev.sandboxjobs.engine.PreviewOptions.Upstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how the proxy reaches a sandbox's port ({@link Upstream}) and makes the routes:
 * straight to the container's IP, or through a tunnel over Docker's exec API
 * ({@link TunnelTransport}, served on {@link TunnelListeners}' sockets). {@link Upstream#AUTO}
 * is resolved once, on the first request: the container IP when Docker is on this machine's
 * Unix socket and that IP answers a connection attempt (accepted or refused, either proves a
 * route), the tunnel otherwise.
 */
final class PreviewUpstreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewUpstreams.class);
    /** How long AUTO waits for a container IP to answer before it chooses the tunnel. */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(1500);

    private final Upstream configured;
    private final boolean localDocker;
    private final TunnelListeners tunnels;
    private volatile Upstream resolved;

    /**
     * @param localDocker whether Docker is on this machine's Unix socket
     * @param transport the tunnel to use for {@link Upstream#DOCKER_EXEC}; null when there is none
     *     (then every route goes to the container IP)
     */
    PreviewUpstreams(Upstream configured, boolean localDocker, TunnelTransport transport) {
        this.configured = configured;
        this.localDocker = localDocker;
        this.tunnels = transport == null ? null : new TunnelListeners(transport);
    }

    /**
     * The upstream to use.
     *
     * @param tunnelAvailable whether a tunnel transport exists
     * @param ipAnswers probes the container IP; called only when AUTO needs to know
     */
    static Upstream choose(Upstream configured, boolean localDocker, boolean tunnelAvailable, BooleanSupplier ipAnswers) {
        if (!tunnelAvailable) {
            return Upstream.CONTAINER_IP;
        }
        return switch (configured) {
            case CONTAINER_IP, DOCKER_EXEC -> configured;
            case AUTO -> localDocker && ipAnswers.getAsBoolean() ? Upstream.CONTAINER_IP : Upstream.DOCKER_EXEC;
        };
    }

    /** The route of an authorised request to {@code port} of a running sandbox at {@code address}. */
    PreviewRoute route(PreviewTarget sandbox, int port, String forwardedHost, String clientAddress) throws IOException {
        if (sandbox.address() == null) {
            // no IP (a sandbox without network, or a container between two starts): only a tunnel reaches it
            if (tunnels == null || configured == Upstream.CONTAINER_IP) {
                throw new NoAddressException();
            }
            return new PreviewRoute(sandbox.sandboxId(), port, null, tunnels.socketFor(sandbox.sandboxId(), port),
                    forwardedHost, clientAddress);
        }
        Upstream upstream = resolved;
        if (upstream == null) {
            upstream = choose(configured, localDocker, tunnels != null, () -> answers(sandbox.address(), port, PROBE_TIMEOUT));
            if (configured == Upstream.AUTO) {
                LOG.info("preview proxy reaches sandbox ports through {}", upstream == Upstream.CONTAINER_IP
                        ? "the containers' IPs" : "Docker exec tunnels (the container IPs are not reachable from here)");
            }
            resolved = upstream;
        }
        if (upstream == Upstream.DOCKER_EXEC) {
            return new PreviewRoute(sandbox.sandboxId(), port, sandbox.address(), tunnels.socketFor(sandbox.sandboxId(), port),
                    forwardedHost, clientAddress);
        }
        return new PreviewRoute(sandbox.sandboxId(), port, sandbox.address(), forwardedHost, clientAddress);
    }

    /**
     * Whether sandboxes without network can have preview URLs: only when every route is a tunnel
     * (a sandbox with no network has no IP, and its loopback is reached through Docker alone).
     */
    boolean tunnelsOnly() {
        return tunnels != null && (configured == Upstream.DOCKER_EXEC || (configured == Upstream.AUTO && !localDocker));
    }

    /** The sandbox has no IP address, and the upstream needs one. */
    static final class NoAddressException extends IOException {
        NoAddressException() {
            super("no address");
        }
    }

    /** Whether a TCP connection to {@code address:port} gets an answer: accepted or refused. */
    static boolean answers(String address, int port, Duration timeout) {
        if (address == null) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            return true;
        } catch (ConnectException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return message.contains("refused");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The tunnel socket that a host name of an upstream URI stands for; null for a real host. */
    Path socketOfHost(String host) {
        return tunnels == null ? null : tunnels.socketOfHost(host);
    }

    /** A port's tunnel sockets close (or all of a sandbox's when {@code port} is negative). */
    void forget(String sandboxId, int port) {
        if (tunnels != null) {
            tunnels.forget(sandboxId, port);
        }
    }

    @Override
    public void close() {
        if (tunnels != null) {
            tunnels.close();
        }
    }
}
