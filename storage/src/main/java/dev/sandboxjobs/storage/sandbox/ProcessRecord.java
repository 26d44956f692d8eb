package dev.sandboxjobs.storage.sandbox;

/**
 * A stored background process. {@code generation} is the sandbox's container generation when it
 * started: a process of an older generation died with its container.
 */
public record ProcessRecord(
        String sandboxId,
        String id,
        int pid,
        String command,
        String sessionId,
        long generation,
        String status,
        Integer exitCode,
        long startedAt) {}
