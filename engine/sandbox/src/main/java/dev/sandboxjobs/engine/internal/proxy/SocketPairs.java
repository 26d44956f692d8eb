package dev.sandboxjobs.engine.internal.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pumps bytes both ways between two connections, one thread per direction. When one side ends
 * its output, the other side's output is shut down (a half-close, passed on); when both
 * directions have ended, or either fails, both connections are closed.
 */
final class SocketPairs {
    private static final Logger LOG = LoggerFactory.getLogger(SocketPairs.class);
    static final int BUFFER = 64 * 1024;

    /** One end of a pair. */
    interface End extends Closeable {
        InputStream input();

        OutputStream output();

        void shutdownOutput() throws IOException;
    }

    private SocketPairs() {}

    /** Relays {@code a} and {@code b} on two tasks of {@code threads}; returns at once. */
    static void relay(End a, End b, Executor threads) {
        AtomicInteger open = new AtomicInteger(2);
        Runnable bothEnded = () -> {
            if (open.decrementAndGet() == 0) {
                closeQuietly(a);
                closeQuietly(b);
            }
        };
        threads.execute(() -> pump(a, b, bothEnded));
        threads.execute(() -> pump(b, a, bothEnded));
    }

    /** Copies {@code from} to {@code to} until {@code from} ends, then half-closes {@code to}. */
    static void pump(End from, End to, Runnable ended) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = from.input();
            OutputStream out = to.output();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (n > 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            to.shutdownOutput();
            ended.run();
        } catch (IOException | RuntimeException e) {
            LOG.debug("a tunnelled connection ended with an error", e);
            closeQuietly(from);
            closeQuietly(to);
            ended.run();
        }
    }

    /** A connection accepted on a socket channel (blocking), as an end. */
    static End of(SocketChannel channel) {
        InputStream in = ChannelStreams.input(channel);
        OutputStream out = ChannelStreams.output(channel);
        return new End() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void shutdownOutput() throws IOException {
                channel.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** A tunnel, as an end. */
    static End of(TunnelTransport.Tunnel tunnel) {
        return new End() {
            @Override
            public InputStream input() {
                return tunnel.input();
            }

            @Override
            public OutputStream output() {
                return tunnel.output();
            }

            @Override
            public void shutdownOutput() throws IOException {
                tunnel.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                tunnel.close();
            }
        };
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing after the end or a failure: nothing left to tell
        }
    }
}
