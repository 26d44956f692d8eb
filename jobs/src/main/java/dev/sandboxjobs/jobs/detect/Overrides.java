package dev.sandboxjobs.jobs.detect;

/**
 * The user's own install and test commands, replacing what detection would choose. Each
 * is a shell command line (run as {@code sh -c}); {@code null} keeps the detected one.
 * An empty install line means "install nothing".
 *
 * <pre>{@code
 * new Overrides(null, "npm run test:ci");
 * }</pre>
 */
public record Overrides(String install, String test) {

    /** No overrides: detection decides. */
    public static final Overrides NONE = new Overrides(null, null);
}
