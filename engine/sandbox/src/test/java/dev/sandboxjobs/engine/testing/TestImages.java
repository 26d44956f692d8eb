package dev.sandboxjobs.engine.testing;

/**
 * The sandbox image tests use: system property {@code sandboxjobs.test.image}, else the runtime
 * image's content-addressed tag ({@link RuntimeImageForTests#image()}), which no other worktree's
 * or branch's setup can move, unlike the version alias {@code sandbox-jobs/runtime:<version>}.
 */
public final class TestImages {
    private TestImages() {}

    public static String runtime() {
        String given = System.getProperty("sandboxjobs.test.image");
        return given != null && !given.isBlank() ? given : RuntimeImageForTests.image();
    }
}
