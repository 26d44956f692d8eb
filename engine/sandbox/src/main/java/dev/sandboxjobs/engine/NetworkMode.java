package dev.sandboxjobs.engine;

/** The network a sandbox's container is attached to. */
public enum NetworkMode {
    /** Docker's default bridge: outbound network access. */
    BRIDGE,
    /** No network at all except loopback. */
    NONE
}
