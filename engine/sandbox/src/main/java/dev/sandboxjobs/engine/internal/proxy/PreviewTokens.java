package dev.sandboxjobs.engine.internal.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Preview tokens: 130 random bits from {@link SecureRandom} as 26 lower-case base32 characters
 * (host names are case-insensitive, so the alphabet has no upper case), compared in constant time.
 */
final class PreviewTokens {
    /** Length of every token. The host-name parser relies on it: the token is the last 26 characters. */
    public static final int LENGTH = 26;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private PreviewTokens() {}

    /** A fresh token. */
    public static String newToken() {
        char[] token = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            token[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(token);
    }

    /** Whether {@code candidate} has the shape of a token. */
    public static boolean isWellFormed(String candidate) {
        if (candidate == null || candidate.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = candidate.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '2' && c <= '7')) {
                return false;
            }
        }
        return true;
    }

    /** Compares in time independent of where the two differ. Null never matches. */
    public static boolean matches(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
