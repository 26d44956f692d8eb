package dev.sandboxjobs.jobs.pipeline;

import java.util.Objects;

/**
 * A secret (a repository token) that must never appear in a command line, a log, a report
 * or the database. {@link #toString()} is redacted; only {@link #reveal()} gives the value,
 * and only a sandbox adapter setting a process environment should call it. Unlike the SDK's
 * {@code Secret} (resolved when a command starts, possibly from a supplier), it holds the value
 * given with the request, and can {@link #redact} it from the output of the commands that used it.
 */
public final class SecretValue {

    private final String value;

    private SecretValue(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static SecretValue of(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new SecretValue(value);
    }

    /** The secret itself. */
    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of this secret replaced by {@code ****}. */
    public String redact(String text) {
        return text == null ? "" : text.replace(value, "****");
    }

    @Override
    public String toString() {
        return "SecretValue[****]";
    }
}
