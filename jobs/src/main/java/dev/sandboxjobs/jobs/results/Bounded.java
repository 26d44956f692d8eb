package dev.sandboxjobs.jobs.results;

/** Caps for everything parsed from untrusted output. */
final class Bounded {

    static final String CUT_MARKER = "\n… [truncated]";

    private Bounded() {
    }

    static String cap(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + CUT_MARKER;
    }
}
