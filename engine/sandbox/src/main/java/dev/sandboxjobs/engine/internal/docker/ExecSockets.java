package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.core.LocalDirectorySSLConfig;
import dev.sandboxjobs.engine.internal.proxy.ChannelStreams;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;

/**
 * Starts a Docker exec attached over a hijacked connection ({@code POST /exec/{id}/start} with
 * {@code Upgrade: tcp}), on a plain connection to the daemon like {@link SocketArchives}: the
 * Unix socket, or a {@code tcp://} address with or without TLS. After the {@code 101} answer the
 * connection carries the exec's stdin one way and its multiplexed stdout and stderr frames the
 * other way (non-TTY), which is what a byte tunnel needs: docker-java's attach cannot deliver EOF
 * on stdin (docker-java #1552) and copies stdin on a thread of its own.
 */
public final class ExecSockets {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    /** How long the daemon may take to answer an exec start before the connection is given up. */
    static final long ANSWER_TIMEOUT_MS = 30_000;
    /**
     * Closes the connections of execs that stopped answering (a start here, a stalled extraction:
     * {@link TarExtraction}, a stalled write to a shell's stdin).
     */
    public static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-jobs-exec-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final String host;
    private final String prefix;
    private final Path tlsCertDir;
    private final long answerTimeoutMs;
    private volatile javax.net.ssl.SSLSocketFactory tls;

    private ExecSockets(String host, String prefix, Path tlsCertDir, long answerTimeoutMs) {
        this.host = host;
        this.prefix = prefix;
        this.tlsCertDir = tlsCertDir;
        this.answerTimeoutMs = answerTimeoutMs;
    }

    /** For a {@code unix://} or {@code tcp://} host; null for any other (no hijack possible here). */
    public static ExecSockets forHost(String host, String apiVersion, Path tlsCertDir) {
        if (host == null || !(host.startsWith("unix://") || host.startsWith("tcp://"))) {
            return null;
        }
        return forHost(host, apiVersion, tlsCertDir, ANSWER_TIMEOUT_MS);
    }

    static ExecSockets forHost(String host, String apiVersion, Path tlsCertDir, long answerTimeoutMs) {
        if (host == null || !(host.startsWith("unix://") || host.startsWith("tcp://"))) {
            return null;
        }
        String prefix = apiVersion == null || apiVersion.isBlank() ? "" : "/v" + apiVersion;
        return new ExecSockets(host, prefix, host.startsWith("tcp://") ? tlsCertDir : null, answerTimeoutMs);
    }

    /** Whether the Docker host is on this machine's Unix socket. */
    public boolean isLocalSocket() {
        return host.startsWith("unix://");
    }

    /** Whether {@link Hijacked#closeStdin()} can end an exec's stdin alone (not over TLS). */
    public boolean canEndStdin() {
        return tlsCertDir == null;
    }

    /** Starts the created exec {@code execId} (made with stdin, stdout and stderr attached, no TTY). */
    public Hijacked start(String execId) throws IOException {
        Connection connection = connect();
        boolean ok = false;
        // a daemon that accepts the request but never answers would block this thread for ever:
        // the connection is closed under the read, which then fails
        // (fired is set before the close: the read can fail before the watchdog's task has returned)
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            fired.set(true);
            connection.close();
        }, answerTimeoutMs, TimeUnit.MILLISECONDS);
        try {
            String body = "{\"Detach\":false,\"Tty\":false}";
            String request = "POST " + prefix + "/exec/" + URLEncoder.encode(execId, StandardCharsets.UTF_8)
                    + "/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\n"
                    + "Upgrade: tcp\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            connection.out.write(request.getBytes(StandardCharsets.US_ASCII));
            connection.out.flush();
            InputStream in = new BufferedInputStream(connection.in, 1 << 16);
            SocketArchives.Response answer;
            try {
                answer = SocketArchives.Response.read(in);
            } catch (IOException e) {
                throw fired.get() ? unanswered(execId, e) : e;
            } finally {
                watchdog.cancel(false);
            }
            if (fired.get()) {
                throw unanswered(execId, null);
            }
            if (answer.status() != 101 && answer.status() != 200) {
                // read only the body the answer announces: the daemon keeps the connection open
                // (keep-alive), so reading to a fixed size or to the end would block for ever
                byte[] error = answer.contentLength() > 0 ? in.readNBytes((int) Math.min(answer.contentLength(), 4096))
                        : new byte[0];
                throw new IOException("the Docker engine refused to start exec " + execId + ": HTTP " + answer.status() + " "
                        + new String(error, StandardCharsets.UTF_8).trim());
            }
            ok = true;
            return new Hijacked(connection, in);
        } finally {
            if (!ok) {
                connection.close();
            }
        }
    }

    private IOException unanswered(String execId, IOException cause) {
        return new IOException("the Docker engine did not answer the start of exec " + execId + " within "
                + answerTimeoutMs + " ms", cause);
    }

    private Connection connect() throws IOException {
        URI uri = URI.create(host);
        if (isLocalSocket()) {
            SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(host.substring("unix://".length())));
            return new Connection(ChannelStreams.input(ch), ChannelStreams.output(ch), ch::shutdownOutput, ch);
        }
        Socket socket;
        if (tlsCertDir != null) {
            javax.net.ssl.SSLSocketFactory factory = tls;
            if (factory == null) {
                factory = new LocalDirectorySSLConfig(tlsCertDir.toString()).getSSLContext().getSocketFactory();
                tls = factory; // the certificates are read once
            }
            socket = factory.createSocket();
        } else {
            socket = new Socket();
        }
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tlsCertDir != null ? 2376 : 2375), CONNECT_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            if (socket instanceof SSLSocket ssl) {
                ssl.startHandshake();
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        // TLS cannot half-close: the exec's stdin then ends when the connection does
        Closeable halfClose = socket instanceof SSLSocket ? () -> { } : socket::shutdownOutput;
        return new Connection(socket.getInputStream(), socket.getOutputStream(), halfClose, socket);
    }

    private record Connection(InputStream in, OutputStream out, Closeable halfClose, Closeable whole) {
        void close() {
            try {
                whole.close();
            } catch (IOException ignored) {
                // nothing was started on it
            }
        }
    }

    /**
     * A started exec's hijacked connection. {@link #readFrame} demultiplexes Docker's stream
     * frames; {@link #stdin()} writes the exec's stdin; {@link #closeStdin()} delivers EOF to it
     * (not over TLS, where it takes closing the whole connection).
     */
    public static final class Hijacked implements Closeable {
        /** Docker's stream numbers in frame headers. */
        public static final int STDOUT = 1;
        public static final int STDERR = 2;

        private final Connection connection;
        private final InputStream in;
        private final byte[] header = new byte[8];

        private Hijacked(Connection connection, InputStream in) {
            this.connection = connection;
            this.in = in;
        }

        /** The exec's stdin; writes go straight to the daemon. */
        public OutputStream stdin() {
            return connection.out;
        }

        /** Ends the exec's stdin, keeping its output flowing. */
        public void closeStdin() throws IOException {
            connection.out.flush();
            connection.halfClose.close();
        }

        /**
         * Reads the next frame's header and returns its stream ({@link #STDOUT}, {@link #STDERR})
         * and length as {@code stream << 32 | length}, or -1 at the end of the exec's output; the
         * payload is then read with {@link #payload}.
         */
        public long readFrame() throws IOException {
            int n = in.readNBytes(header, 0, 8);
            if (n < 8) {
                return -1;
            }
            long length = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            return ((long) header[0] << 32) | length;
        }

        /** Reads up to {@code len} bytes of the current frame's payload; -1 at the end of the stream. */
        public int payload(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
