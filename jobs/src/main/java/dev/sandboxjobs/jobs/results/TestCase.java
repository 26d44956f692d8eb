package dev.sandboxjobs.jobs.results;

import java.time.Duration;
import java.util.Objects;

/**
 * One test case's result.
 *
 * @param suite    the class, file, package or describe block it belongs to ({@code ""} if none)
 * @param name     the test's name
 * @param status   its outcome
 * @param duration its duration, {@link Duration#ZERO} when unknown
 * @param message  the failure or skip message, capped; {@code ""} if none
 * @param details  the failure's details (stack trace, output), capped; {@code ""} if none
 */
public record TestCase(String suite, String name, TestStatus status, Duration duration, String message,
        String details) {

    /** Longest message kept, in characters. */
    public static final int MAX_MESSAGE = 4 * 1024;
    /** Longest details kept, in characters. */
    public static final int MAX_DETAILS = 16 * 1024;

    public TestCase {
        suite = Bounded.cap(suite == null ? "" : suite, 1024);
        name = Bounded.cap(Objects.requireNonNullElse(name, ""), 1024);
        Objects.requireNonNull(status, "status");
        duration = duration == null || duration.isNegative() ? Duration.ZERO : duration;
        message = Bounded.cap(message == null ? "" : message, MAX_MESSAGE);
        details = Bounded.cap(details == null ? "" : details, MAX_DETAILS);
    }

    /** A passing test. */
    public static TestCase passed(String suite, String name, Duration duration) {
        return new TestCase(suite, name, TestStatus.PASSED, duration, "", "");
    }

    /** Whether this case failed or errored. */
    public boolean isFailure() {
        return status == TestStatus.FAILED || status == TestStatus.ERRORED;
    }

    /** {@code suite > name}, or the name alone. */
    public String fullName() {
        return suite.isEmpty() ? name : suite + " > " + name;
    }
}
