package dev.sandboxjobs.engine;

import java.time.Instant;

/** A chunk of a background process's output, from {@code streamProcessLogs}. */
public record LogEvent(String processId, StreamType stream, String data, Instant timestamp) {}
