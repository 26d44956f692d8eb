package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;

/** The engine's settings, as given to its builder. {@code database} is null when the engine opens its own. */
public record EngineConfig(
        Path databaseFile,
        Database database,
        String dockerHost,
        String image,
        SandboxDefaults defaults,
        Clock clock,
        Duration maintenanceInterval,
        PreviewOptions preview,
        boolean startPreviewProxy,
        Set<CodeLanguage> prewarmInterpreters,
        java.util.Map<dev.sandboxjobs.engine.SandboxOptions, Integer> warmPools) {
    public EngineConfig {
        warmPools = warmPools == null ? java.util.Map.of() : java.util.Map.copyOf(warmPools);
    }
}
