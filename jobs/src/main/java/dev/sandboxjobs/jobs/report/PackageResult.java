package dev.sandboxjobs.jobs.report;

import java.util.Objects;

/**
 * One package's results in a monorepo: an npm/pnpm/yarn workspace or a Go module tested on its own, or
 * a Maven/Gradle module whose report files were grouped.
 *
 * @param name      the package's name
 * @param directory its directory, relative to the project directory
 * @param runner    its test runner, {@code ""} when unknown
 * @param command   what ran for it ({@code ""} when it ran in one build with the others)
 * @param exitCode  that command's exit code, {@code -1} when none ran for it alone
 * @param status    how its tests ended
 * @param passed    passed tests
 * @param failed    failed tests
 * @param skipped   skipped tests
 * @param errored   errored tests
 * @param message   its one-line verdict
 */
public record PackageResult(String name, String directory, String runner, String command, int exitCode,
        StepStatus status, int passed, int failed, int skipped, int errored, String message) {

    public PackageResult {
        Objects.requireNonNull(name, "name");
        directory = directory == null ? "" : directory;
        runner = runner == null ? "" : runner;
        command = command == null ? "" : command;
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
    }
}
