package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.exception.DockerException;
import dev.sandboxjobs.engine.internal.proxy.TunnelTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A sandbox port reached through Docker itself rather than the container's IP: each tunnel is a
 * Docker exec in the sandbox whose stdin and stdout (hijacked, no TTY: {@link ExecSockets}) are
 * relayed to {@code 127.0.0.1:port} inside the container by a tiny relay program ({@link Relays}):
 * Python 3 when the image has it, else Perl, else bash's {@code /dev/tcp}. It works wherever the
 * engine can reach Docker's API (a remote {@code tcp://} host with TLS, Docker Desktop), and
 * reaches services that listen on the container's loopback only.
 *
 * <p>The relay first tells on stderr whether it connected ({@code OK <relay>} or
 * {@code REFUSED}), so that a port where nothing listens fails {@link #open} with a
 * {@link ConnectException}, as a direct connection would. The relay runs as the sandbox's user.
 */
public final class ExecPortTunnel implements TunnelTransport {
    /** How long the exec may take to start and connect inside the container. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final Containers containers;
    private final ExecSockets sockets;
    private final Function<String, Optional<String>> containerOf;
    private final List<Relays.Relay> relays;

    /**
     * @param containerOf the running container of a sandbox (empty when it has none)
     * @param relays the relay programs to try, in order (normally {@link Relays#DEFAULT_ORDER})
     */
    public ExecPortTunnel(Containers containers, ExecSockets sockets, Function<String, Optional<String>> containerOf,
            List<Relays.Relay> relays) {
        this.containers = Objects.requireNonNull(containers, "containers");
        this.sockets = Objects.requireNonNull(sockets, "sockets");
        this.containerOf = Objects.requireNonNull(containerOf, "containerOf");
        this.relays = List.copyOf(relays);
    }

    @Override
    public ExecTunnel open(String sandboxId, int port) throws IOException {
        String containerId = containerOf.apply(sandboxId)
                .orElseThrow(() -> new IOException("sandbox " + sandboxId + " has no running container"));
        String execId;
        try {
            var create = containers.client().execCreateCmd(containerId);
            String user = containers.userOf(containerId);
            if (user != null) {
                create.withUser(user);
            }
            execId = create.withCmd(Relays.argv(port).toArray(String[]::new))
                    .withEnv(Relays.env(relays.stream().map(r -> r.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(" "))))
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true).withTty(false)
                    .exec().getId();
        } catch (DockerException e) {
            throw new IOException("Docker could not start a tunnel in sandbox " + sandboxId + ": " + e.getMessage(), e);
        }
        ExecSockets.Hijacked hijacked = sockets.start(execId);
        ExecTunnel tunnel = new ExecTunnel(hijacked);
        // whichever comes first wins: the relay's answer, or the timer (which closes the tunnel to
        // unblock the wait below); a tunnel that answered in time is never closed by the timer
        AtomicBoolean decided = new AtomicBoolean();
        CompletableFuture.delayedExecutor(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (decided.compareAndSet(false, true)) {
                tunnel.close();
            }
        });
        try {
            String ack = tunnel.awaitAck();
            if (ack != null && !decided.compareAndSet(false, true)) {
                ack = null; // the timer fired first and closed the connection
            }
            if (ack == null) {
                throw new IOException("the tunnel to port " + port + " of sandbox " + sandboxId + " ended before it"
                        + " connected (no relay answered within " + ACK_TIMEOUT.toSeconds() + " s)");
            }
            if (ack.startsWith("REFUSED")) {
                throw new ConnectException("Connection refused: nothing listens on port " + port + " in sandbox " + sandboxId);
            }
            if (ack.startsWith("NORELAY")) {
                throw new IOException("sandbox " + sandboxId + " has none of python3, perl or bash to relay a preview"
                        + " connection; use an image with one of them, or the CONTAINER_IP upstream");
            }
            if (!ack.startsWith("OK")) {
                throw new IOException("the tunnel relay in sandbox " + sandboxId + " failed: " + ack);
            }
            tunnel.relay = ack.substring(2).trim();
            return tunnel;
        } catch (IOException | RuntimeException e) {
            tunnel.close();
            throw e;
        }
    }

    /** A connection through one relay exec. */
    public static final class ExecTunnel implements Tunnel {
        private final ExecSockets.Hijacked hijacked;
        private final ByteArrayOutputStream early = new ByteArrayOutputStream();
        private final Demux input = new Demux();
        private volatile String relay;
        private volatile boolean closed;

        ExecTunnel(ExecSockets.Hijacked hijacked) {
            this.hijacked = hijacked;
        }

        /** The relay program that serves this tunnel ({@code python3}, {@code perl} or {@code bash}). */
        public String relay() {
            return relay;
        }

        /** The relay's first stderr line; stdout that comes first is kept for {@link #input()}. */
        String awaitAck() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                long frame = hijacked.readFrame();
                if (frame < 0) {
                    return null;
                }
                int stream = (int) (frame >>> 32);
                int length = (int) frame;
                for (int left = length; left > 0; ) {
                    int n = hijacked.payload(buffer, 0, Math.min(buffer.length, left));
                    if (n < 0) {
                        return null;
                    }
                    (stream == ExecSockets.Hijacked.STDERR ? line : early).write(buffer, 0, n);
                    left -= n;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                int nl = text.indexOf('\n');
                if (nl >= 0) {
                    return text.substring(0, nl);
                }
            }
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return hijacked.stdin();
        }

        @Override
        public void shutdownOutput() throws IOException {
            hijacked.closeStdin();
        }

        @Override
        public void close() {
            closed = true;
            hijacked.close();
        }

        /** The exec's stdout, frame headers removed; its stderr (the relay's messages) is dropped. */
        private final class Demux extends InputStream {
            private byte[] pending;
            private int pendingAt;
            private int left;
            private final byte[] skip = new byte[4096];

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                do {
                    n = read(one, 0, 1);
                } while (n == 0);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (pending == null) {
                    pending = early.toByteArray();
                }
                if (pendingAt < pending.length) {
                    int n = Math.min(len, pending.length - pendingAt);
                    System.arraycopy(pending, pendingAt, b, off, n);
                    pendingAt += n;
                    return n;
                }
                while (left == 0) {
                    long frame;
                    try {
                        frame = hijacked.readFrame();
                    } catch (IOException e) {
                        if (closed) {
                            return -1;
                        }
                        throw e;
                    }
                    if (frame < 0) {
                        return -1;
                    }
                    int length = (int) frame;
                    if ((int) (frame >>> 32) != ExecSockets.Hijacked.STDOUT) {
                        for (int l = length; l > 0; ) {
                            int n = hijacked.payload(skip, 0, Math.min(skip.length, l));
                            if (n < 0) {
                                return -1;
                            }
                            l -= n;
                        }
                        continue;
                    }
                    left = length;
                }
                int n = hijacked.payload(b, off, Math.min(len, left));
                if (n < 0) {
                    return -1;
                }
                left -= n;
                return n;
            }
        }
    }
}
