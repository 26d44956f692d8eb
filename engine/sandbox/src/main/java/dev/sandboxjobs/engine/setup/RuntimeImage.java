package dev.sandboxjobs.engine.setup;

import dev.sandboxjobs.engine.setup.internal.RuntimeImageInfo;

/**
 * Names of the default sandbox image. {@link Setup} builds it as
 * {@code sandbox-jobs/runtime:<version>-<hash>} (the hash covers all its inputs) and points the
 * alias {@link #defaultReference()} ({@code sandbox-jobs/runtime:<version>}) at it; sandboxes use
 * the alias unless told otherwise.
 *
 * <pre>{@code
 * String image = RuntimeImage.defaultReference();   // "sandbox-jobs/runtime:0.1.0"
 * }</pre>
 */
public final class RuntimeImage {
    private RuntimeImage() {}

    /** The project version the image belongs to. */
    public static String version() {
        return RuntimeImageInfo.version();
    }

    /** The image repository, {@code sandbox-jobs/runtime}. */
    public static String repository() {
        return RuntimeImageInfo.repository();
    }

    /** The full image's repository, {@code sandbox-jobs/runtime-full}. */
    public static String fullRepository() {
        return RuntimeImageInfo.fullRepository();
    }

    /**
     * {@code sandbox-jobs/runtime-full:<version>}: the runtime image plus the testing pipeline's
     * toolchains, built by {@code ./sandbox-jobs setup --full} ({@code Setup.builder().full(true)}).
     */
    public static String fullDefaultReference() {
        return fullRepository() + ":" + version();
    }

    /** {@code sandbox-jobs/runtime:<version>}: the image sandboxes run by default. */
    public static String defaultReference() {
        return repository() + ":" + version();
    }
}
