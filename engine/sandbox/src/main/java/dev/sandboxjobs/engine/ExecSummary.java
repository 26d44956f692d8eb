package dev.sandboxjobs.engine;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SandboxListener} learns about a finished command. The command itself is not
 * included: it may hold data the caller did not mean to share with every listener.
 *
 * @param sandboxId the sandbox it ran in
 * @param sessionId the session it ran in ({@code default} for the sandbox's own)
 * @param duration  from the call to its end (waiting for the session's earlier commands included)
 * @param outcome   success, failure (non-zero exit code), timeout or error
 * @param exitCode  the command's exit code, or -1 when it did not end by itself (timeout, error)
 * @param error     the error's code for {@link Outcome#TIMEOUT} and {@link Outcome#ERROR}, else null
 */
public record ExecSummary(String sandboxId, String sessionId, Duration duration, Outcome outcome, int exitCode,
                          ErrorCode error) {
    public ExecSummary {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** How a command ended. */
    public enum Outcome {
        /** Exit code 0. */
        SUCCESS,
        /** A non-zero exit code (a result, not an exception). */
        FAILURE,
        /** Killed by its timeout ({@link ErrorCode#COMMAND_TIMEOUT}). */
        TIMEOUT,
        /** Failed with another {@link SandboxException} (the container died, Docker unreachable…). */
        ERROR;

        /** The lower-case name, as a metrics tag value ({@code success}, {@code failure}, …). */
        public String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
