package dev.sandboxjobs.engine;

import java.time.Duration;

/**
 * The result of a command that ran to its end. A non-zero exit code is a result, not an
 * exception: {@code success()} is false.
 *
 * <p>Each stream keeps at most the configured number of bytes (10 MiB by default); when more was
 * written, the kept text ends with {@link #TRUNCATION_MARKER} and {@code stdoutTruncated} or
 * {@code stderrTruncated} is true. Stream output through {@link ExecOptions#onOutput()} to see all of it.
 *
 * @param success         whether the exit code is 0
 * @param exitCode        the command's exit code
 * @param stdout          standard output, decoded as UTF-8 (malformed bytes become U+FFFD)
 * @param stderr          standard error, decoded the same way
 * @param command         the command as given
 * @param duration        how long the command ran
 * @param stdoutTruncated whether standard output was cut
 * @param stderrTruncated whether standard error was cut
 */
public record ExecResult(
        boolean success,
        int exitCode,
        String stdout,
        String stderr,
        String command,
        Duration duration,
        boolean stdoutTruncated,
        boolean stderrTruncated) {

    /** Appended to a stream's kept text where it was cut. */
    public static final String TRUNCATION_MARKER = "\n[... output truncated by sandbox-jobs ...]\n";

    /** Whether either stream was cut. */
    public boolean truncated() {
        return stdoutTruncated || stderrTruncated;
    }
}
