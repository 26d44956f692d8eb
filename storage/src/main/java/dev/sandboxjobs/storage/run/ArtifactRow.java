package dev.sandboxjobs.storage.run;

/** An artifact's metadata (its bytes are read separately). */
public record ArtifactRow(String runId, String name, int stepIndex, long size, long createdAt) {
}
