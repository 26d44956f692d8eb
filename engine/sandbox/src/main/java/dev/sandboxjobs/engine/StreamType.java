package dev.sandboxjobs.engine;

/** Which output stream a chunk of output came from. */
public enum StreamType {
    STDOUT,
    STDERR
}
