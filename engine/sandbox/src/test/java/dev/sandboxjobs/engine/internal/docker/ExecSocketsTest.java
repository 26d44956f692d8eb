package dev.sandboxjobs.engine.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExecSockets} against a fake daemon on a Unix socket (no Docker needed). */
class ExecSocketsTest {
    @TempDir
    Path dir;

    /**
     * Docker answers a refused exec start (a stopped container: 409) with a short JSON body and
     * keeps the connection open; the error must come at once, not when the daemon hangs up.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aRefusedStartFailsAtOnceWhileTheDaemonKeepsTheConnectionOpen() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<SocketChannel> daemon = CompletableFuture.supplyAsync(() -> {
                try {
                    SocketChannel c = server.accept();
                    c.read(ByteBuffer.allocate(4096));
                    String body = "{\"message\":\"container abc is not running\"}\n";
                    c.write(ByteBuffer.wrap(("HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)));
                    return c; // kept open, as a keep-alive connection is
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ExecSockets sockets = ExecSockets.forHost("unix://" + socket, null, null);
            long start = System.nanoTime();
            assertThatThrownBy(() -> sockets.start("abc123"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("409")
                    .hasMessageContaining("is not running");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            daemon.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aMalformedStatusLineIsAnIOException() throws Exception {
        Path socket = dir.resolve("docker2.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture.runAsync(() -> {
                try (SocketChannel c = server.accept()) {
                    c.read(ByteBuffer.allocate(4096));
                    c.write(ByteBuffer.wrap("HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ExecSockets sockets = ExecSockets.forHost("unix://" + socket, null, null);
            assertThatThrownBy(() -> sockets.start("abc123")).isInstanceOf(IOException.class)
                    .hasMessageContaining("malformed status line");
        }
    }

    /** A daemon that takes the request and never answers must not hold the caller's thread for ever. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aStartTheDaemonNeverAnswersFailsAfterTheAnswerTimeout() throws Exception {
        Path socket = dir.resolve("docker3.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<SocketChannel> daemon = CompletableFuture.supplyAsync(() -> {
                try {
                    SocketChannel c = server.accept();
                    c.read(ByteBuffer.allocate(4096));
                    return c; // silent
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ExecSockets sockets = ExecSockets.forHost("unix://" + socket, null, null, 300);
            assertThatThrownBy(() -> sockets.start("abc123")).isInstanceOf(IOException.class)
                    .hasMessageContaining("did not answer the start of exec abc123 within 300 ms");
            daemon.get(5, TimeUnit.SECONDS).close();
        }
    }
}
