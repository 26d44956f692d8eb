package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.internal.backup.BackupStore;
import dev.sandboxjobs.engine.egress.internal.EgressService;
import dev.sandboxjobs.engine.internal.docker.TarExtraction;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Engine-wide services a sandbox's runtime uses beyond its container: the preview URLs, the
 * code interpreter's pre-warming, the warm pool, a thread pool for background start-up work,
 * directory backups and the egress proxy.
 *
 * @param previews the engine's preview URLs
 * @param prewarm the languages whose executor is started in the background when a container starts
 * @param pool the engine's warm pool, or null when it has none
 * @param background runs start-up work that overlaps the caller (booting the default session's shell)
 * @param backups where directory backups are kept
 * @param egress the engine's egress (proxy, network, firewall rules, logs)
 * @param events the engine's {@link dev.sandboxjobs.engine.SandboxListener}s
 * @param extraction extracts archives as a sandbox's user (directory copies), or null when the
 *                   Docker host cannot (then Docker's archive endpoint extracts them, as root)
 */
public record SandboxServices(EnginePreviews previews, Set<CodeLanguage> prewarm, WarmPool pool, Executor background,
                              BackupStore backups, EgressService egress, SandboxEvents events,
                              TarExtraction extraction) {
    public SandboxServices {
        Objects.requireNonNull(previews, "previews");
        prewarm = Set.copyOf(prewarm);
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(backups, "backups");
        Objects.requireNonNull(events, "events");
    }
}
