package dev.sandboxjobs.jobs.detect;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ProjectDetector} decided about a project.
 *
 * @param kind     the project kind ({@link ProjectKind#UNKNOWN} when nothing matched)
 * @param tool     the build or package tool chosen ({@code "npm"}, {@code "pnpm"}, {@code "poetry"},
 *                 {@code "./gradlew"}, …), or {@code ""} for an unknown project
 * @param install  the install commands, run in order in the project directory; empty when
 *                 there is nothing to install
 * @param tests    ways to run the tests, in order of preference (see {@link TestCandidate});
 *                 empty when the tests cannot be run, with {@link #reason()} saying why
 * @param env      environment the install and test commands need (never secrets)
 * @param reason   why the project is unknown or its tests cannot run; {@code ""} otherwise
 * @param notes    what detection saw and chose, one line each, for the report
 */
public record Detection(
        ProjectKind kind,
        String tool,
        List<Command> install,
        List<TestCandidate> tests,
        Map<String, String> env,
        String reason,
        List<String> notes) {

    public Detection {
        Objects.requireNonNull(kind, "kind");
        tool = tool == null ? "" : tool;
        install = List.copyOf(install);
        tests = List.copyOf(tests);
        env = Map.copyOf(env);
        reason = reason == null ? "" : reason;
        notes = List.copyOf(notes);
    }

    /** Whether the test step has something to run. */
    public boolean runnable() {
        return !tests.isEmpty();
    }

    /** An unknown project, with the reason reported to the user. */
    public static Detection unknown(String reason, List<String> notes) {
        return new Detection(ProjectKind.UNKNOWN, "", List.of(), List.of(), Map.of(), reason, notes);
    }
}
