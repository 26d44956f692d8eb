package dev.sandboxjobs.engine;

/**
 * What a background process wrote so far. Each stream keeps at most the sandbox's output cap
 * (the last bytes are dropped, with {@link ExecResult#TRUNCATION_MARKER}).
 */
public record ProcessLogs(String processId, String stdout, String stderr) {}
