package dev.sandboxjobs.engine.internal.docker;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The stdin of a long-lived exec: writers {@link #feed} byte arrays, docker-java's copy thread
 * reads them. It never reaches EOF until {@link #close()} (docker-java cannot deliver EOF to an
 * exec anyway, #1552), and {@code read} returns whatever is queued without waiting for more so that
 * each command is sent at once.
 */
public final class FeedInputStream extends InputStream {
    private static final byte[] END = new byte[0];
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private byte[] current;
    private int pos;
    private volatile boolean closed;
    private final Object room = new Object();
    private long queuedBytes;

    public void feed(byte[] data) {
        if (!closed && data.length > 0) {
            synchronized (room) {
                queuedBytes += data.length;
            }
            queue.add(data);
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        try {
            while (current == null || pos >= current.length) {
                if (closed && queue.isEmpty()) {
                    return -1;
                }
                current = queue.take();
                pos = 0;
                if (current == END) {
                    return -1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        synchronized (room) {
            queuedBytes -= n;
            room.notifyAll();
        }
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.length - pos;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(END);
            synchronized (room) {
                room.notifyAll();
            }
        }
    }
}
