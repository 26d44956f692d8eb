package dev.sandboxjobs.engine;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A secret value, resolved only when a container or command needs it and never written to the
 * database, a log, an error message or a report. {@link #toString()} is masked.
 *
 * <pre>{@code
 * SandboxOptions options = SandboxOptions.builder()
 *         .secret("API_TOKEN", Secret.fromEnv("API_TOKEN"))
 *         .build();
 * }</pre>
 */
public final class Secret {
    private final Supplier<String> supplier;
    private final String description;

    private Secret(Supplier<String> supplier, String description) {
        this.supplier = supplier;
        this.description = description;
    }

    /** A secret holding {@code value}. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        return new Secret(() -> value, "value");
    }

    /** A secret read from the engine process's environment variable {@code name} when used. */
    public static Secret fromEnv(String name) {
        Objects.requireNonNull(name, "name");
        return new Secret(() -> {
            String value = System.getenv(name);
            if (value == null) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT,
                        "The secret's environment variable " + name + " is not set in the engine's process. "
                                + "Set it before starting the application.");
            }
            return value;
        }, "env:" + name);
    }

    /** A secret computed by {@code supplier} each time it is used (a vault lookup, a file...). */
    public static Secret from(Supplier<String> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return new Secret(supplier, "supplier");
    }

    /**
     * The clear value. Call it only where the value leaves for the container; never log it.
     *
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} if the secret cannot be resolved
     */
    public String reveal() {
        String value = supplier.get();
        if (value == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Secret (" + description + ") resolved to null.");
        }
        return value;
    }

    /** Masked: {@code Secret[****]} with where the value comes from, never the value. */
    @Override
    public String toString() {
        return "Secret[****, " + description + "]";
    }
}
