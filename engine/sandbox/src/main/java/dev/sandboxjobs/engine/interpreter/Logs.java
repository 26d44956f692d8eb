package dev.sandboxjobs.engine.interpreter;

import java.util.List;

/**
 * What a run printed, line by line without line terminators (as in the seed:
 * {@code print("Sum: 15")} gives {@code stdout == ["Sum: 15"]}).
 *
 * @param stdout the standard output lines
 * @param stderr the standard error lines
 */
public record Logs(List<String> stdout, List<String> stderr) {
    public Logs {
        stdout = stdout == null ? List.of() : List.copyOf(stdout);
        stderr = stderr == null ? List.of() : List.copyOf(stderr);
    }
}
