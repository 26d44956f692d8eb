package dev.sandboxjobs.engine.interpreter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to create a code context.
 *
 * <pre>{@code
 * sandbox.createCodeContext(CreateContextOptions.builder()
 *         .language(CodeLanguage.PYTHON)
 *         .cwd("/workspace/analysis")
 *         .envVar("API_URL", "http://localhost:8080")
 *         .build());
 * }</pre>
 *
 * @param language the interpreter's language (default Python)
 * @param cwd the working directory (created if missing); null for the session's working directory
 *     ({@value #DEFAULT_CWD} for a sandbox that never changed directory); a relative path resolves
 *     against the session's directory
 * @param envVars environment variables visible to the code and to processes it starts
 * @param timeout how long creating the context may take (default 30 seconds)
 */
public record CreateContextOptions(CodeLanguage language, String cwd, Map<String, String> envVars, Duration timeout) {
    /** The working directory of a context unless another is given. */
    public static final String DEFAULT_CWD = "/workspace";
    /** How long creating a context may take unless another timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public CreateContextOptions {
        language = language == null ? CodeLanguage.PYTHON : language;
        cwd = cwd == null || cwd.isBlank() ? null : cwd;
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** These options with another working directory and environment variables (the session's, resolved). */
    public CreateContextOptions in(String workingDirectory, Map<String, String> environment) {
        return new CreateContextOptions(language, workingDirectory, environment, timeout);
    }

    /** A Python context in the session's working directory. */
    public static CreateContextOptions defaults() {
        return builder().build();
    }

    /** A context of the given language with every other option at its default. */
    public static CreateContextOptions of(CodeLanguage language) {
        return builder().language(language).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link CreateContextOptions}; every field is optional. */
    public static final class Builder {
        private CodeLanguage language;
        private String cwd;
        private final Map<String, String> envVars = new LinkedHashMap<>();
        private Duration timeout;

        private Builder() {}

        public Builder language(CodeLanguage language) {
            this.language = language;
            return this;
        }

        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        public Builder envVar(String name, String value) {
            envVars.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder envVars(Map<String, String> vars) {
            vars.forEach(this::envVar);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public CreateContextOptions build() {
            return new CreateContextOptions(language, cwd, envVars, timeout);
        }
    }
}
