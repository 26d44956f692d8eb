package dev.sandboxjobs.engine.testing;

/** The sandbox image tests use: system property {@code sandboxjobs.test.image}, else the runtime image. */
public final class TestImages {
    private TestImages() {}

    public static String runtime() {
        return System.getProperty("sandboxjobs.test.image", "sandbox-jobs/runtime:0.1.0-SNAPSHOT");
    }
}
