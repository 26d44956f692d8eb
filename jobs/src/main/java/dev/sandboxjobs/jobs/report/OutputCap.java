package dev.sandboxjobs.jobs.report;

/**
 * Caps text kept from commands, with a visible marker where it was cut. The head and the
 * tail are kept because a test run's summary is at its end.
 *
 * <pre>{@code
 * String kept = OutputCap.headAndTail(stdout, 256 * 1024);
 * }</pre>
 */
public final class OutputCap {

    private OutputCap() {
    }

    /** {@code text} itself when short enough, else its start and end around a marker. */
    public static String headAndTail(String text, int max) {
        if (text == null) {
            return "";
        }
        if (text.length() <= max) {
            return text;
        }
        int head = max / 4;
        int tail = max - head;
        int cut = text.length() - head - tail;
        return text.substring(0, head) + "\n… [" + cut + " characters cut] …\n" + text.substring(text.length() - tail);
    }
}
