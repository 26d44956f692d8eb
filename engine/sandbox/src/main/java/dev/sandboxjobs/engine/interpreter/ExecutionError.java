package dev.sandboxjobs.engine.interpreter;

import java.util.List;
import java.util.Objects;

/**
 * An error raised by the code (an exception, a syntax error, a timeout), as data: the run itself
 * completed and the context stays usable unless {@link #value()} says it was restarted.
 *
 * @param name the error's type, for example {@code ZeroDivisionError}, {@code TypeError} or
 *     {@code TimeoutError} when the run exceeded its timeout
 * @param value the error's message, for example {@code division by zero}
 * @param traceback the traceback lines, outermost first (plain text, no colour codes)
 */
public record ExecutionError(String name, String value, List<String> traceback) {
    public ExecutionError {
        Objects.requireNonNull(name, "name");
        value = value == null ? "" : value;
        traceback = traceback == null ? List.of() : List.copyOf(traceback);
    }
}
