package dev.sandboxjobs.jobs.detect;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;

/**
 * A command to run in the sandbox: either an argv list (what detection produces; never
 * interpreted by a shell) or a shell command line (only ever the user's own override,
 * which is a shell command by contract).
 *
 * <pre>{@code
 * Command.argv("npm", "ci");
 * Command.shell("make deps && make build");
 * }</pre>
 *
 * @param argv  the argument vector to execute; for a shell command {@code ["sh", "-c", line]}
 * @param shell the user's shell line, or {@code null} when this is a plain argv command
 */
public record Command(List<String> argv, String shell) {

    public Command {
        argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program name");
        }
    }

    /** An argv command, executed without a shell. */
    public static Command argv(String... argv) {
        return new Command(List.of(argv), null);
    }

    /** An argv command, executed without a shell. */
    public static Command argv(List<String> argv) {
        return new Command(argv, null);
    }

    /** A user-supplied shell command line, run as {@code sh -c line}. */
    public static Command shell(String line) {
        Objects.requireNonNull(line, "line");
        if (line.isBlank()) {
            throw new IllegalArgumentException("a shell command must not be blank");
        }
        return new Command(List.of("sh", "-c", line), line);
    }

    /**
     * Whether this is the user's shell line rather than an argv built by the pipeline. Not a JSON
     * property: as a bean getter it would be named {@code shell} and meet the {@code shell} component
     * (the stored command then read back as the text {@code "false"}).
     */
    @JsonIgnore
    public boolean isShell() {
        return shell != null;
    }

    /** A readable rendering for reports and logs (argv elements quoted where needed). */
    @JsonIgnore
    public String display() {
        if (shell != null) {
            return shell;
        }
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(arg.matches("[A-Za-z0-9_@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return display();
    }
}
