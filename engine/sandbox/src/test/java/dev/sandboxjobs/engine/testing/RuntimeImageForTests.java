package dev.sandboxjobs.engine.testing;

import dev.sandboxjobs.engine.setup.Setup;
import dev.sandboxjobs.engine.setup.SetupReport;

/**
 * The runtime images for Docker-backed tests, ensured at most once per JVM with the same inputs as
 * {@code ./sandbox-jobs setup} (so the image built by setup or CI is shared, never rebuilt per test).
 *
 * <pre>{@code
 * String image = RuntimeImageForTests.image();       // sandbox-jobs/runtime:<version>-<hash12>
 * String full = RuntimeImageForTests.fullImage();    // sandbox-jobs/runtime-full:<version>-<hash12>
 * }</pre>
 *
 * <p>When an image cannot be built, setup's exception fails the test: a test that needs an image
 * never skips for lack of it (under {@code CI=true} or not).
 */
public final class RuntimeImageForTests {
    private static SetupReport report;
    private static SetupReport fullReport;

    private RuntimeImageForTests() {}

    /** Runs setup once per JVM (building only when the image is missing or stale). */
    public static synchronized SetupReport ensure() {
        if (report == null) {
            report = fullReport != null ? fullReport : setup(false);
        }
        return report;
    }

    /** The content-addressed tag, which no other build can move (unlike the version alias). */
    public static String image() {
        return ensure().image();
    }

    /** Runs {@code setup --full} once per JVM: the runtime image and the full image built from it. */
    public static synchronized SetupReport ensureFull() {
        if (fullReport == null) {
            fullReport = setup(true);
            report = fullReport;
        }
        return fullReport;
    }

    /** The full image's content-addressed tag ({@code sandbox-jobs/runtime-full:<version>-<hash12>}). */
    public static String fullImage() {
        return ensureFull().fullImage();
    }

    private static SetupReport setup(boolean full) {
        return Setup.builder().installDocker(false).full(full)
                .progress(line -> System.err.println("[setup] " + line)).build().run();
    }
}
