package dev.sandboxjobs.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A copy of a whole sandbox's filesystem (installed packages, files, everything outside named
 * volumes) made by {@link Sandbox#snapshot}, kept as a Docker image labelled with the engine's
 * id until its ttl passes. New sandboxes start from it with
 * {@link SandboxOptions.Builder#fromSnapshot}: several at once, each with its own copy.
 *
 * @param id unique id
 * @param sandboxId the sandbox it was taken of
 * @param image the image that holds it ({@code sandbox-jobs/snapshot:<id>})
 * @param name the name given, or null
 * @param createdAt when it was taken
 * @param expiresAt when the engine deletes it
 */
public record SandboxSnapshot(String id, String sandboxId, String image, String name, Instant createdAt, Instant expiresAt) {
    /** The repository of snapshot images. */
    public static final String REPOSITORY = "sandbox-jobs/snapshot";

    public SandboxSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
