package dev.sandboxjobs.engine;

import java.time.Instant;
import java.util.Map;

/**
 * What the engine's database knows about a sandbox.
 *
 * @param id             the sandbox's id
 * @param status         running or sleeping
 * @param image          the container's image
 * @param containerId    the Docker container id
 * @param labels         the user's labels
 * @param createdAt      when the sandbox was created
 * @param lastActivityAt the last call that used it (as recorded, at most a second late)
 */
public record SandboxInfo(
        String id,
        SandboxStatus status,
        String image,
        String containerId,
        Map<String, String> labels,
        Instant createdAt,
        Instant lastActivityAt) {

    public SandboxInfo {
        labels = Map.copyOf(labels);
    }
}
