package dev.sandboxjobs.engine.interpreter;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@code runCode} produced. An error raised by the code is data here
 * ({@link #error()}), not an exception, and so is a timeout ({@code TimeoutError}).
 *
 * <pre>{@code
 * Execution run = sandbox.runCode("x = 1 / 0");
 * run.errorIfAny().ifPresent(e -> System.err.println(e.name() + ": " + e.value())); // ZeroDivisionError: division by zero
 * }</pre>
 *
 * @param code the code that ran
 * @param logs what it printed
 * @param results its rich outputs, in the order they were produced
 * @param error the error it raised, or null
 * @param executionCount the context's execution counter for this run (1 for the first run)
 */
public record Execution(String code, Logs logs, List<Result> results, ExecutionError error, int executionCount) {
    public Execution {
        Objects.requireNonNull(code, "code");
        logs = logs == null ? new Logs(List.of(), List.of()) : logs;
        results = results == null ? List.of() : List.copyOf(results);
    }

    /** The error the code raised, if any. */
    public Optional<ExecutionError> errorIfAny() {
        return Optional.ofNullable(error);
    }

    /** Whether the code ran to the end without raising an error. */
    public boolean success() {
        return error == null;
    }

    /** The text of the main result (the last expression's value), or null when there is none. */
    public String text() {
        for (Result result : results) {
            if (result.isMainResult()) {
                return result.text();
            }
        }
        return null;
    }
}
