package dev.sandboxjobs.engine.internal.docker;

import java.nio.charset.StandardCharsets;

/** The collected result of an engine-internal exec (argv, not a user command). */
public record ExecOutput(int exitCode, byte[] stdout, byte[] stderr) {
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8).trim();
    }
}
