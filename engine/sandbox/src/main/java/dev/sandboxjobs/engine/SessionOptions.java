package dev.sandboxjobs.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@code createSession}.
 *
 * @param id  the session's id (generated when null)
 * @param env the session's environment variables (over the sandbox's)
 * @param cwd the session's starting directory ({@code /workspace} when null)
 */
public record SessionOptions(String id, Map<String, String> env, String cwd) {
    public static final SessionOptions DEFAULT = builder().build();

    public SessionOptions {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SessionOptions}. */
    public static final class Builder {
        private String id;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String cwd;

        private Builder() {}

        public Builder id(String value) { id = value; return this; }
        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder env(Map<String, String> values) { env.putAll(values); return this; }
        public Builder cwd(String value) { cwd = value; return this; }

        public SessionOptions build() {
            return new SessionOptions(id, env, cwd);
        }
    }
}
