package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Engine-wide services a sandbox's runtime uses beyond its container: the preview URLs, the
 * code interpreter's pre-warming, the warm pool and a thread pool for background start-up work.
 *
 * @param previews the engine's preview URLs
 * @param prewarm the languages whose executor is started in the background when a container starts
 * @param pool the engine's warm pool, or null when it has none
 * @param background runs start-up work that overlaps the caller (booting the default session's shell)
 */
public record SandboxServices(EnginePreviews previews, Set<CodeLanguage> prewarm, WarmPool pool, Executor background) {
    public SandboxServices {
        Objects.requireNonNull(previews, "previews");
        prewarm = Set.copyOf(prewarm);
        Objects.requireNonNull(background, "background");
    }
}
