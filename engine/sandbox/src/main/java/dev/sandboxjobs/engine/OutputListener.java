package dev.sandboxjobs.engine;

/**
 * Receives a command's output as it is written, chunk by chunk, decoded as UTF-8 (malformed bytes
 * become U+FFFD). Called on a Docker I/O thread: return quickly. Everything streamed here is
 * delivered whole, even beyond the cap on what the result keeps.
 */
@FunctionalInterface
public interface OutputListener {
    /** Does nothing. */
    OutputListener NONE = (stream, data) -> {};

    void onOutput(StreamType stream, String data);
}
