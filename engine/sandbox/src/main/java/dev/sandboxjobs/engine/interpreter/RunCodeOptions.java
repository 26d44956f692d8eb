package dev.sandboxjobs.engine.interpreter;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How to run code. Without a context the code runs in the default context of its language
 * (created on first use and reused after), as in the seed.
 *
 * <pre>{@code
 * Execution run = sandbox.runCode(code, RunCodeOptions.builder()
 *         .context(ctx)
 *         .timeout(Duration.ofSeconds(10))
 *         .onStdout(text -> System.out.print(text))
 *         .onResult(result -> show(result))
 *         .build());
 * }</pre>
 *
 * <p>Callbacks run on the thread that reads the interpreter's output, as output happens (before
 * {@code runCode} returns); they must not block. {@code onStdout} and {@code onStderr} receive
 * chunks of text as printed, usually whole lines with their line terminator.
 *
 * @param context the context to run in, or null for the language's default context
 * @param language the language when no context is given (default Python); ignored otherwise
 * @param timeout how long the code may run before it is interrupted (default 60 seconds)
 * @param onStdout receives standard output as it is printed
 * @param onStderr receives standard error as it is printed
 * @param onResult receives each rich output as it is produced
 * @param onError receives the error the code raised
 */
public record RunCodeOptions(
        CodeContext context,
        CodeLanguage language,
        Duration timeout,
        Consumer<String> onStdout,
        Consumer<String> onStderr,
        Consumer<Result> onResult,
        Consumer<ExecutionError> onError) {
    /** How long code may run unless another timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public RunCodeOptions {
        language = context != null ? context.language() : language == null ? CodeLanguage.PYTHON : language;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        onStdout = onStdout == null ? text -> {} : onStdout;
        onStderr = onStderr == null ? text -> {} : onStderr;
        onResult = onResult == null ? result -> {} : onResult;
        onError = onError == null ? error -> {} : onError;
    }

    /** Python in its default context, 60 seconds. */
    public static RunCodeOptions defaults() {
        return builder().build();
    }

    /** Runs in the given context. */
    public static RunCodeOptions in(CodeContext context) {
        return builder().context(context).build();
    }

    /** Runs in the default context of the given language. */
    public static RunCodeOptions of(CodeLanguage language) {
        return builder().language(language).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link RunCodeOptions}; every field is optional. */
    public static final class Builder {
        private CodeContext context;
        private CodeLanguage language;
        private Duration timeout;
        private Consumer<String> onStdout;
        private Consumer<String> onStderr;
        private Consumer<Result> onResult;
        private Consumer<ExecutionError> onError;

        private Builder() {}

        public Builder context(CodeContext context) {
            this.context = context;
            return this;
        }

        public Builder language(CodeLanguage language) {
            this.language = language;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder onStdout(Consumer<String> onStdout) {
            this.onStdout = onStdout;
            return this;
        }

        public Builder onStderr(Consumer<String> onStderr) {
            this.onStderr = onStderr;
            return this;
        }

        public Builder onResult(Consumer<Result> onResult) {
            this.onResult = onResult;
            return this;
        }

        public Builder onError(Consumer<ExecutionError> onError) {
            this.onError = onError;
            return this;
        }

        public RunCodeOptions build() {
            return new RunCodeOptions(context, language, timeout, onStdout, onStderr, onResult, onError);
        }
    }
}
