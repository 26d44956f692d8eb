package dev.sandboxjobs.engine.internal.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Streams over a blocking socket channel that read and write it directly: the adapters of
 * {@link java.nio.channels.Channels} share one lock between reads and writes, so a read blocked
 * on one direction would hold up the other. Closing either stream closes the channel.
 */
public final class ChannelStreams {
    private ChannelStreams() {}

    /** The channel's input. */
    public static InputStream input(SocketChannel channel) {
        return new InputStream() {
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
                int n = channel.read(ByteBuffer.wrap(b, off, len));
                return n < 0 ? -1 : n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /** The channel's output. */
    public static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
