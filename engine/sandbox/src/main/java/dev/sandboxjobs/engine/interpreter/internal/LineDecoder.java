package dev.sandboxjobs.engine.interpreter.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into UTF-8 lines (on {@code \n}; a trailing {@code \r} is dropped). A line
 * longer than the limit is dropped whole and reported as {@code null}, so memory stays bounded.
 * Not thread-safe: one reader thread feeds it.
 */
final class LineDecoder {
    private final int maxLineBytes;
    private final Consumer<String> onLine;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream(8192);
    private boolean overflowing;

    LineDecoder(int maxLineBytes, Consumer<String> onLine) {
        this.maxLineBytes = maxLineBytes;
        this.onLine = onLine;
    }

    void feed(byte[] bytes, int offset, int length) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                append(bytes, start, i - start);
                finishLine();
                start = i + 1;
            }
        }
        append(bytes, start, end - start);
    }

    private void append(byte[] bytes, int offset, int length) {
        if (length <= 0 || overflowing) {
            return;
        }
        if (current.size() + length > maxLineBytes) {
            overflowing = true;
            current.reset();
            return;
        }
        current.write(bytes, offset, length);
    }

    private void finishLine() {
        if (overflowing) {
            overflowing = false;
            onLine.accept(null);
            return;
        }
        byte[] line = current.toByteArray();
        current.reset();
        int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        onLine.accept(new String(line, 0, length, StandardCharsets.UTF_8));
    }
}
