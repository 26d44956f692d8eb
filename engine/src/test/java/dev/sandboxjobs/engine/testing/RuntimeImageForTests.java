package dev.sandboxjobs.engine.testing;

import dev.sandboxjobs.engine.setup.Setup;
import dev.sandboxjobs.engine.setup.SetupReport;

/**
 * The runtime image for Docker-backed tests, ensured at most once per JVM with the same inputs as
 * {@code ./sandbox-jobs setup} (so the image built by setup or CI is shared, never rebuilt per test).
 *
 * <pre>{@code
 * String image = RuntimeImageForTests.image();   // sandbox-jobs/runtime:<version>-<hash12>
 * }</pre>
 */
public final class RuntimeImageForTests {
    private static SetupReport report;

    private RuntimeImageForTests() {}

    /** Runs setup once per JVM (building only when the image is missing or stale). */
    public static synchronized SetupReport ensure() {
        if (report == null) {
            report = Setup.builder().installDocker(false).progress(line -> System.err.println("[setup] " + line)).build().run();
        }
        return report;
    }

    /** The content-addressed tag, which no other build can move (unlike the version alias). */
    public static String image() {
        return ensure().image();
    }
}
