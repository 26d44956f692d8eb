package dev.sandboxjobs.engine.internal.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How {@link ShellSession} frames what it sends a shell: values as NUL-terminated records (read by
 * {@code read -r -d ''}, never parsed as shell text), and one-time tokens that mark a command's end
 * ({@link MarkerScanner}) or a function's readiness for streamed bytes ({@link Scripts#RECV_FILE}).
 */
final class ShellWire {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ShellWire() {}

    /** Appends {@code value} as one NUL-terminated record. */
    static void record(ByteArrayOutputStream wire, String value) {
        wire.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        wire.write(0);
    }

    /** A new end marker's token. */
    static String endToken() {
        return "__SJ_END_" + random();
    }

    /** A new readiness token; it never starts like an end marker, so no scanner holds it back. */
    static String goToken() {
        return "__SJ_GO_" + random();
    }

    /** A new commit record's text: what follows a streamed write's bytes ({@link Scripts#RECV_FILE}). */
    static String commitToken() {
        return "__SJ_COMMIT_" + random();
    }

    private static String random() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
