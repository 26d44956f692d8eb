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
 * @param packages the packages of a monorepo whose tests run one by one, grouped in the report, instead of
 *                 {@code tests}; empty for a single project (or a monorepo whose own test script runs)
 */
public record Detection(
        ProjectKind kind,
        String tool,
        List<Command> install,
        List<TestCandidate> tests,
        Map<String, String> env,
        String reason,
        List<String> notes,
        List<TestTarget> packages) {

    public Detection {
        Objects.requireNonNull(kind, "kind");
        tool = tool == null ? "" : tool;
        install = List.copyOf(install);
        tests = List.copyOf(tests);
        env = Map.copyOf(env);
        reason = reason == null ? "" : reason;
        notes = List.copyOf(notes);
        packages = packages == null ? List.of() : List.copyOf(packages);
    }

    /** A detection of a single project. */
    public Detection(ProjectKind kind, String tool, List<Command> install, List<TestCandidate> tests,
            Map<String, String> env, String reason, List<String> notes) {
        this(kind, tool, install, tests, env, reason, notes, List.of());
    }

    /** This detection with {@code packages} to test one by one, and {@code note} added. */
    public Detection withPackages(List<TestTarget> packages, String note) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.add(note);
        return new Detection(kind, tool, install, tests, env, reason, all, packages);
    }

    /** Whether the test step has something to run. */
    public boolean runnable() {
        return !tests.isEmpty() || !packages.isEmpty();
    }

    /** An unknown project, with the reason reported to the user. */
    public static Detection unknown(String reason, List<String> notes) {
        return new Detection(ProjectKind.UNKNOWN, "", List.of(), List.of(), Map.of(), reason, notes);
    }
}
