package dev.sandboxjobs.engine.internal.proxy;

import java.util.Objects;
import java.util.Set;

/**
 * What the proxy needs to know about one sandbox: its preview token, its state, where its
 * container can be reached and which ports are exposed.
 *
 * @param sandboxId the sandbox's id, as the engine knows it
 * @param token the sandbox's preview token (compared in constant time by the proxy)
 * @param state whether it runs, sleeps or is gone
 * @param address the host or IP at which its ports are reached (the container's IP on its
 *     Docker network); null unless running
 * @param exposedPorts the ports exposed with {@code exposePort}
 */
public record PreviewTarget(String sandboxId, String token, State state, String address, Set<Integer> exposedPorts) {
    /** The sandbox's lifecycle, as far as the proxy cares. */
    public enum State {
        RUNNING,
        /** Stopped for idleness, files kept; {@link PreviewTargets#wake} starts it again. */
        SLEEPING,
        /** Destroyed. */
        GONE
    }

    public PreviewTarget {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(state, "state");
        exposedPorts = Set.copyOf(exposedPorts);
    }
}
