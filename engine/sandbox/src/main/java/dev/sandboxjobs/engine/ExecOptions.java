package dev.sandboxjobs.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of one command: environment variables for this command only, a working directory, a
 * timeout and a listener for real-time output.
 *
 * <pre>{@code
 * ExecResult r = sandbox.exec("npm test", ExecOptions.builder()
 *         .env("CI", "true")
 *         .cwd("/workspace/app")
 *         .timeout(Duration.ofMinutes(5))
 *         .onOutput((stream, data) -> System.out.print(data))
 *         .build());
 * }</pre>
 *
 * @param env            variables for this command only; they win over session and sandbox values
 * @param cwd            the directory to run in (the session's directory when null); the session's
 *                       directory is restored afterwards
 * @param timeout        when reached, the command's process tree is killed and
 *                       {@link ErrorCode#COMMAND_TIMEOUT} is thrown; null for none
 * @param onOutput       real-time output
 * @param maxOutputBytes bytes kept per stream in the result (null: the sandbox's default)
 */
public record ExecOptions(
        Map<String, String> env,
        String cwd,
        Duration timeout,
        OutputListener onOutput,
        Long maxOutputBytes) {

    /** No options. */
    public static final ExecOptions DEFAULT = builder().build();

    public ExecOptions {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        onOutput = onOutput == null ? OutputListener.NONE : onOutput;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ExecOptions}. */
    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private String cwd;
        private Duration timeout;
        private OutputListener onOutput;
        private Long maxOutputBytes;

        private Builder() {}

        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder env(Map<String, String> values) { env.putAll(values); return this; }
        public Builder cwd(String value) { cwd = value; return this; }
        public Builder timeout(Duration value) { timeout = value; return this; }
        public Builder onOutput(OutputListener value) { onOutput = value; return this; }
        public Builder maxOutputBytes(long value) { maxOutputBytes = value; return this; }

        public ExecOptions build() {
            return new ExecOptions(env, cwd, timeout, onOutput, maxOutputBytes);
        }
    }
}
