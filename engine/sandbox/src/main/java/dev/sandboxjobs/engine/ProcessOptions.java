package dev.sandboxjobs.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of a background process.
 *
 * @param env variables for this process only (over the session's and sandbox's)
 * @param cwd its working directory (the session's directory when null)
 */
public record ProcessOptions(Map<String, String> env, String cwd) {
    public static final ProcessOptions DEFAULT = builder().build();

    public ProcessOptions {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ProcessOptions}. */
    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private String cwd;

        private Builder() {}

        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder env(Map<String, String> values) { env.putAll(values); return this; }
        public Builder cwd(String value) { cwd = value; return this; }

        public ProcessOptions build() {
            return new ProcessOptions(env, cwd);
        }
    }
}
