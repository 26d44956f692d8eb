package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.util.Objects;
import java.util.Set;

/**
 * Engine-wide services a sandbox's runtime uses beyond its container: the preview URLs and the
 * code interpreter's pre-warming.
 *
 * @param previews the engine's preview URLs
 * @param prewarm the languages whose executor is started in the background when a container starts
 */
public record SandboxServices(EnginePreviews previews, Set<CodeLanguage> prewarm) {
    public SandboxServices {
        Objects.requireNonNull(previews, "previews");
        prewarm = Set.copyOf(prewarm);
    }
}
