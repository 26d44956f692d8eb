package dev.sandboxjobs.storage.sandbox;

/** A stored session of a sandbox: its environment (JSON) and working directory. */
public record SessionRecord(String sandboxId, String id, String envJson, String cwd, long createdAt) {}
