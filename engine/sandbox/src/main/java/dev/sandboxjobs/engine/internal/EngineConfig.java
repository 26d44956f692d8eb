package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.BackupStorage;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.egress.internal.EgressSettings;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The engine's settings, as given to its builder. {@code database} is null when the engine opens its own. */
public record EngineConfig(
        DatabaseLocation databaseLocation,
        Database database,
        String dockerHost,
        java.nio.file.Path dockerTlsCertDir,
        String image,
        SandboxDefaults defaults,
        Clock clock,
        Duration maintenanceInterval,
        PreviewOptions preview,
        boolean startPreviewProxy,
        Set<CodeLanguage> prewarmInterpreters,
        Map<SandboxOptions, Integer> warmPools,
        BackupStorage backupStorage,
        EgressSettings egress) {
    public EngineConfig {
        warmPools = warmPools == null ? Map.of() : Map.copyOf(warmPools);
    }
}
