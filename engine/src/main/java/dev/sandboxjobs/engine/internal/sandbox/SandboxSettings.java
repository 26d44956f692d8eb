package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxOptions;
import java.time.Duration;

/** A sandbox's resolved settings (defaults with its overrides), stored as JSON. */
public record SandboxSettings(
        long memoryBytes,
        Double cpus,
        long pidsLimit,
        NetworkMode network,
        long sleepAfterMillis,
        boolean keepAlive,
        Long maxLifetimeMillis,
        long maxOutputBytes,
        java.util.List<dev.sandboxjobs.engine.VolumeMount> volumes,
        Long diskBytes,
        java.util.Set<dev.sandboxjobs.engine.interpreter.CodeLanguage> prewarm) {

    /**
     * @param prewarm the languages pre-warmed when the container starts, or null for the engine's
     *     choice (rows written before this setting existed)
     */
    public SandboxSettings {
        volumes = volumes == null ? java.util.List.of() : java.util.List.copyOf(volumes);
        prewarm = prewarm == null ? null : java.util.Set.copyOf(prewarm);
    }

    static SandboxSettings resolve(SandboxDefaults d, SandboxOptions o) {
        Duration sleep = o.sleepAfter() != null ? o.sleepAfter() : d.sleepAfter();
        Duration life = o.maxLifetime() != null ? o.maxLifetime() : d.maxLifetime();
        return new SandboxSettings(
                o.memoryBytes() != null ? o.memoryBytes() : d.memoryBytes(),
                o.cpus() != null ? o.cpus() : d.cpus(),
                o.pidsLimit() != null ? o.pidsLimit() : d.pidsLimit(),
                o.network() != null ? o.network() : d.network(),
                sleep.toMillis(),
                o.keepAlive() != null ? o.keepAlive() : d.keepAlive(),
                life == null ? null : life.toMillis(),
                d.maxOutputBytes(),
                o.volumes(),
                o.diskBytes(),
                o.prewarmInterpreters());
    }
}
