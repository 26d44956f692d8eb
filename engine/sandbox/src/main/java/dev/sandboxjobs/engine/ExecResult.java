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

    /**
     * Appended to standard error when the command was killed (exit code 137) by the kernel's
     * out-of-memory killer because the sandbox reached its memory limit.
     */
    public static final String OOM_KILLED_NOTE = "\n[sandbox-jobs: killed by the out-of-memory killer: the sandbox"
            + " reached its memory limit; raise SandboxOptions.memoryBytes or use less memory]\n";

    /**
     * Whether the command was killed by the out-of-memory killer because the sandbox reached its
     * memory limit (Docker's {@code OOMKilled}, per command): standard error then ends with
     * {@link #OOM_KILLED_NOTE}.
     */
    public boolean oomKilled() {
        return exitCode == 137 && stderr != null && stderr.endsWith(OOM_KILLED_NOTE);
    }

    /** Whether either stream was cut. */
    public boolean truncated() {
        return stdoutTruncated || stderrTruncated;
    }
}
