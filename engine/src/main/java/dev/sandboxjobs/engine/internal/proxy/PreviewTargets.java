package dev.sandboxjobs.engine.internal.proxy;

import java.util.Optional;

/** The proxy's view of the engine's sandboxes; the sandbox SDK implements it. */
public interface PreviewTargets {
    /**
     * Looks a sandbox up by the id found in a preview host name (lower case: compare ids
     * case-insensitively). Empty when no such sandbox is known. Must be quick: it runs for every
     * request.
     */
    Optional<PreviewTarget> lookup(String sandboxId);

    /**
     * Wakes a sleeping sandbox and returns its fresh target (its address may have changed).
     * Called by the proxy when {@link #lookup} says {@code SLEEPING}; may block while the
     * container starts. By default a sleeping sandbox cannot be woken this way.
     */
    default Optional<PreviewTarget> wake(String sandboxId) {
        return Optional.empty();
    }
}
