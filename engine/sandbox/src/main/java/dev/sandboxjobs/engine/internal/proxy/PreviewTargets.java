package dev.sandboxjobs.engine.internal.proxy;

import java.util.List;
import java.util.Optional;

/**
 * The proxy's view of the engine's sandboxes. {@link PreviewRegistry} implements it over the
 * engine's sandboxes; tests use hand-written fakes.
 */
interface PreviewTargets {
    /**
     * The sandboxes whose host label ({@link PreviewHost#labelOf}) is {@code hostLabel}: usually
     * one, several only when distinct ids map to the same label. The proxy picks the one whose
     * token matches, comparing in constant time. Must be quick: it runs for every request.
     */
    List<PreviewTarget> lookup(String hostLabel);

    /**
     * Wakes a sleeping sandbox and returns its fresh target (its address may have changed).
     * Called by the proxy when the target is {@code SLEEPING}; may block while the container
     * starts. By default a sleeping sandbox cannot be woken this way.
     */
    default Optional<PreviewTarget> wake(String sandboxId) {
        return Optional.empty();
    }

    /**
     * A proxied connection to a port of the sandbox opened (a WebSocket, an event stream, a slow
     * download); the proxy closes the returned handle when it ends. An open connection keeps the
     * sandbox awake. By default nothing is kept.
     */
    default AutoCloseable connectionOpened(String sandboxId) {
        return () -> { };
    }
}
