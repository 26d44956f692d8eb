package dev.sandboxjobs.storage.sandbox;

/**
 * A stored sandbox. JSON columns are opaque to storage; the engine owns their shape. Times are
 * epoch milliseconds.
 */
public record SandboxRecord(
        String id,
        String containerId,
        String image,
        String status,
        String envJson,
        String labelsJson,
        String settingsJson,
        long generation,
        long createdAt,
        long lastActivityAt) {}
