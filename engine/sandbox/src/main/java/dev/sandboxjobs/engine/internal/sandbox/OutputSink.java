package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One stream of a command's output: forwards every chunk to the listener, decoded as UTF-8 across
 * chunk boundaries, and keeps at most {@code maxBytes} for the result.
 */
final class OutputSink {
    private final StreamType stream;
    private final OutputListener listener;
    private final long maxBytes;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer leftover = ByteBuffer.allocate(0);
    private boolean truncated;

    OutputSink(StreamType stream, OutputListener listener, long maxBytes) {
        this.stream = stream;
        this.listener = listener;
        this.maxBytes = maxBytes;
    }

    void write(byte[] data, int off, int len) {
        if (len <= 0) {
            return;
        }
        int room = (int) Math.max(0, Math.min(len, maxBytes - kept.size()));
        kept.write(data, off, room);
        if (room < len) {
            truncated = true;
        }
        if (listener != OutputListener.NONE) {
            ByteBuffer in;
            if (leftover.hasRemaining()) {
                in = ByteBuffer.allocate(leftover.remaining() + len);
                in.put(leftover).put(data, off, len).flip();
            } else {
                in = ByteBuffer.wrap(data, off, len);
            }
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, false);
            leftover = in.hasRemaining() ? copy(in) : ByteBuffer.allocate(0);
            out.flip();
            if (out.hasRemaining()) {
                listener.onOutput(stream, out.toString());
            }
        }
    }

    /** Flushes a partial character to the listener and returns the kept text. */
    String finish() {
        if (listener != OutputListener.NONE && leftover.hasRemaining()) {
            CharBuffer out = CharBuffer.allocate(leftover.remaining() + 2);
            decoder.decode(leftover, out, true);
            decoder.flush(out);
            out.flip();
            leftover = ByteBuffer.allocate(0);
            if (out.hasRemaining()) {
                listener.onOutput(stream, out.toString());
            }
        }
        String text = new String(kept.toByteArray(), StandardCharsets.UTF_8);
        return truncated ? text + ExecResult.TRUNCATION_MARKER : text;
    }

    /** The kept bytes, undecoded. */
    byte[] bytes() {
        return kept.toByteArray();
    }

    boolean truncated() {
        return truncated;
    }

    private static ByteBuffer copy(ByteBuffer in) {
        ByteBuffer b = ByteBuffer.allocate(in.remaining());
        b.put(in).flip();
        return b;
    }
}
