package dev.sandboxjobs.engine.internal.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Finds the end marker of a command in one output stream: {@code TOKEN<trailer>\0}. Bytes before
 * the token go to the sink as output; bytes that might be the start of a token split across two
 * frames are held back until the next frame decides.
 */
final class MarkerScanner {
    private final byte[] token;
    private final OutputSink sink;
    private final Consumer<String> onTrailer;
    private byte[] held = new byte[0];
    private ByteArrayOutputStream trailer;
    private boolean done;

    MarkerScanner(String token, OutputSink sink, Consumer<String> onTrailer) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.sink = sink;
        this.onTrailer = onTrailer;
    }

    boolean done() {
        return done;
    }

    void feed(byte[] chunk) {
        if (done) {
            return;
        }
        if (trailer != null) {
            readTrailer(chunk, 0);
            return;
        }
        byte[] data;
        if (held.length == 0) {
            data = chunk;
        } else {
            data = Arrays.copyOf(held, held.length + chunk.length);
            System.arraycopy(chunk, 0, data, held.length, chunk.length);
        }
        int at = indexOf(data);
        if (at >= 0) {
            sink.write(data, 0, at);
            held = new byte[0];
            trailer = new ByteArrayOutputStream();
            readTrailer(data, at + token.length);
            return;
        }
        int keep = partialSuffix(data);
        sink.write(data, 0, data.length - keep);
        held = keep == 0 ? new byte[0] : Arrays.copyOfRange(data, data.length - keep, data.length);
    }

    /** The stream ended without a marker: what was held back is output after all. */
    void flush() {
        if (!done && trailer == null && held.length > 0) {
            sink.write(held, 0, held.length);
            held = new byte[0];
        }
    }

    private void readTrailer(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                trailer.write(data, from, i - from);
                done = true;
                onTrailer.accept(trailer.toString(StandardCharsets.UTF_8));
                return;
            }
        }
        trailer.write(data, from, data.length - from);
    }

    private int indexOf(byte[] data) {
        byte first = token[0];
        outer:
        for (int i = 0; i <= data.length - token.length; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int j = 1; j < token.length; j++) {
                if (data[i + j] != token[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The length of the longest suffix of {@code data} that is a proper prefix of the token. */
    private int partialSuffix(byte[] data) {
        int max = Math.min(token.length - 1, data.length);
        for (int len = max; len > 0; len--) {
            boolean match = true;
            for (int j = 0; j < len; j++) {
                if (data[data.length - len + j] != token[j]) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return len;
            }
        }
        return 0;
    }
}
