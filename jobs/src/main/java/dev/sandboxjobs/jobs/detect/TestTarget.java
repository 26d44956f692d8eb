package dev.sandboxjobs.jobs.detect;

import java.util.List;
import java.util.Objects;

/**
 * One package of a monorepo whose tests run on their own: an npm/pnpm/yarn workspace, a Go module.
 *
 * @param name      the package's name ({@code "@acme/core"}, {@code "example.com/tools"})
 * @param directory its directory, relative to the project directory ({@code "packages/core"})
 * @param tests     how to run its tests, run in {@code directory}; the first whose probe succeeds
 */
public record TestTarget(String name, String directory, List<TestCandidate> tests) {

    public TestTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(directory, "directory");
        tests = List.copyOf(tests);
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("a package needs a way to run its tests");
        }
    }
}
