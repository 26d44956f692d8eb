package dev.sandboxjobs.engine.workflow;

import java.time.Instant;

/** An artifact kept by a step; read its bytes with {@link JobsClient#readArtifact}. */
public record ArtifactInfo(String runId, String name, String step, long size, Instant createdAt) {
}
