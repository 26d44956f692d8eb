package dev.sandboxjobs.jobs.results.internal;

import java.util.regex.Pattern;

/** Removes terminal colour and cursor codes, which many runners print even into a pipe. */
public final class Ansi {

    private static final Pattern CODES = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B\\][^\u0007]*\u0007|\r(?!\n)");

    private Ansi() {
    }

    /** {@code text} without ANSI escape sequences (and without bare carriage returns). */
    public static String strip(String text) {
        if (text == null || (text.indexOf('\u001B') < 0 && text.indexOf('\r') < 0)) {
            return text == null ? "" : text;
        }
        return CODES.matcher(text).replaceAll("");
    }
}
