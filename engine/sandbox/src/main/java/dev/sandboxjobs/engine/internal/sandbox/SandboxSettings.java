package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.internal.StoredEgress;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** A sandbox's resolved settings (defaults with its overrides), stored as JSON. */
record SandboxSettings(
        long memoryBytes,
        Double cpus,
        long pidsLimit,
        NetworkMode network,
        long sleepAfterMillis,
        boolean keepAlive,
        Long maxLifetimeMillis,
        long maxOutputBytes,
        List<VolumeMount> volumes,
        Long diskBytes,
        Set<CodeLanguage> prewarm,
        StoredEgress egress,
        String user) {

    /**
     * @param prewarm the languages pre-warmed when the container starts, or null for the engine's
     *     choice (rows written before this setting existed)
     * @param egress the egress policy the sandbox was created with, or null for rows written before
     *     egress policies (bridge then meant the open internet through the proxy)
     * @param user the user commands run as, or null for rows written before (the image's user, root)
     */
    public SandboxSettings {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        prewarm = prewarm == null ? null : Set.copyOf(prewarm);
    }

    /** The Docker network mode of the container: {@code none}, or {@code egress} (the proxied network). */
    public String containerNetwork() {
        return network == NetworkMode.NONE ? "none" : "egress";
    }

    /** The stored policy, for rows from before policies too. */
    public EgressPolicy storedPolicy() {
        if (egress != null) {
            return egress.toPolicy();
        }
        return network == NetworkMode.NONE ? EgressPolicy.none() : EgressPolicy.open();
    }

    /** The policy a sandbox gets from its options over the defaults (secrets included). */
    static EgressPolicy egress(SandboxDefaults d, SandboxOptions o) {
        if (o.egress() != null) {
            return o.egress();
        }
        if (o.network() != null) {
            return o.network() == NetworkMode.NONE ? EgressPolicy.none() : EgressPolicy.open();
        }
        return d.egress();
    }

    static SandboxSettings resolve(SandboxDefaults d, SandboxOptions o) {
        Duration sleep = o.sleepAfter() != null ? o.sleepAfter() : d.sleepAfter();
        Duration life = o.maxLifetime() != null ? o.maxLifetime() : d.maxLifetime();
        EgressPolicy egress = egress(d, o);
        return new SandboxSettings(
                o.memoryBytes() != null ? o.memoryBytes() : d.memoryBytes(),
                o.cpus() != null ? o.cpus() : d.cpus(),
                o.pidsLimit() != null ? o.pidsLimit() : d.pidsLimit(),
                egress.proxied() ? NetworkMode.BRIDGE : NetworkMode.NONE,
                sleep.toMillis(),
                o.keepAlive() != null ? o.keepAlive() : d.keepAlive(),
                life == null ? null : life.toMillis(),
                d.maxOutputBytes(),
                o.volumes(),
                o.diskBytes(),
                o.prewarmInterpreters(),
                StoredEgress.of(egress),
                o.user() != null ? o.user() : d.user());
    }
}
