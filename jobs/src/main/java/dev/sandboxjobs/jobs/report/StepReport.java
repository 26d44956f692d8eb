package dev.sandboxjobs.jobs.report;

import java.time.Duration;
import java.util.Objects;

/**
 * One step's outcome as shown in reports.
 *
 * @param name     {@code clone}, {@code install}, {@code test} or {@code report}
 * @param status   how it ended
 * @param duration how long it took
 * @param command  what it ran, for display ({@code ""} if nothing); never contains secrets
 * @param exitCode the last command's exit code, or {@code -1} when none ran
 * @param message  a one-line explanation ({@code "npm ci exited with 1"}), {@code ""} if none
 * @param output   the step's captured output, capped ({@code ""} if not kept)
 * @param network  what the step's sandbox tried to reach and the egress policy it had, or {@code null}
 *                 when the step set no policy (the report step, a composed workflow's own steps)
 */
public record StepReport(String name, StepStatus status, Duration duration, String command, int exitCode,
        String message, String output, NetworkActivity network) {

    /** Most output kept per step. */
    public static final int MAX_OUTPUT = 64 * 1024;

    public StepReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        duration = duration == null ? Duration.ZERO : duration;
        command = command == null ? "" : command;
        message = message == null ? "" : message;
        output = OutputCap.headAndTail(output == null ? "" : output, MAX_OUTPUT);
    }

    public StepReport(String name, StepStatus status, Duration duration, String command, int exitCode,
            String message, String output) {
        this(name, status, duration, command, exitCode, message, output, null);
    }

    /** This report with {@code activity} as its network activity. */
    public StepReport withNetwork(NetworkActivity activity) {
        return new StepReport(name, status, duration, command, exitCode, message, output, activity);
    }

    /** A step that did not run. */
    public static StepReport skipped(String name, String why) {
        return new StepReport(name, StepStatus.SKIPPED, Duration.ZERO, "", -1, why, "");
    }
}
