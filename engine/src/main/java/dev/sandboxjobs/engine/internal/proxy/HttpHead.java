package dev.sandboxjobs.engine.internal.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The head of an HTTP/1.x message (start line and header fields) and the bytes read past it.
 * Only heads are parsed; bodies pass through the proxy as raw bytes.
 */
final class HttpHead {
    static final int MAX_HEAD_BYTES = 64 * 1024;

    final String startLine;
    final List<String[]> headers;
    /** Bytes that followed the head in the same reads: the start of the body. */
    final byte[] rest;

    private HttpHead(String startLine, List<String[]> headers, byte[] rest) {
        this.startLine = startLine;
        this.headers = headers;
        this.rest = rest;
    }

    /** Thrown when a head is larger than {@link #MAX_HEAD_BYTES} or malformed. */
    static final class BadHead extends IOException {
        BadHead(String message) {
            super(message);
        }
    }

    /**
     * Reads one head. {@code carried} holds bytes already read from the stream. Returns null when
     * the stream ends before any byte of a head.
     */
    static HttpHead read(InputStream in, byte[] carried) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
        buffer.write(carried, 0, carried.length);
        byte[] chunk = new byte[8192];
        int scanFrom = 0;
        while (true) {
            byte[] bytes = buffer.toByteArray();
            int end = indexOfBlankLine(bytes, Math.max(0, scanFrom - 3));
            if (end >= 0) {
                return parse(bytes, end);
            }
            if (bytes.length > MAX_HEAD_BYTES) {
                throw new BadHead("head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            scanFrom = bytes.length;
            int n = in.read(chunk);
            if (n < 0) {
                if (bytes.length == 0) {
                    return null;
                }
                throw new BadHead("connection closed inside the head");
            }
            buffer.write(chunk, 0, n);
        }
    }

    private static int indexOfBlankLine(byte[] bytes, int from) {
        for (int i = from; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static HttpHead parse(byte[] bytes, int end) throws BadHead {
        String text = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new BadHead("empty start line");
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                String[] last = headers.get(headers.size() - 1);
                last[1] = last[1] + " " + line.trim();
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadHead("malformed header line");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new HttpHead(lines[0], headers, Arrays.copyOfRange(bytes, end + 4, bytes.length));
    }

    String header(String name) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }

    /** Whether a comma-separated header (Connection) lists the token. */
    boolean headerHasToken(String name, String token) {
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                for (String part : header[1].split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The status code of a response head, or -1. */
    int status() {
        String[] parts = startLine.split(" ", 3);
        try {
            return parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The head as bytes, without the hop-by-hop headers (Connection, Keep-Alive, the ones
     * Connection names, and {@code dropped}) and with {@code added} appended.
     */
    byte[] rewrite(String newStartLine, List<String> dropped, List<String[]> added) {
        List<String> hopByHop = new ArrayList<>(List.of("connection", "keep-alive", "proxy-connection"));
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase("connection")) {
                for (String part : header[1].split(",")) {
                    hopByHop.add(part.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        dropped.forEach(name -> hopByHop.add(name.toLowerCase(Locale.ROOT)));
        StringBuilder out = new StringBuilder(newStartLine).append("\r\n");
        for (String[] header : headers) {
            if (!hopByHop.contains(header[0].toLowerCase(Locale.ROOT))) {
                out.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
        }
        for (String[] header : added) {
            out.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
