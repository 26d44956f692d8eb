package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.Sandbox;

/** Shared constants of the sandbox backend. */
final class Sandboxes {
    static final String DEFAULT_SESSION = Sandbox.DEFAULT_SESSION;

    private Sandboxes() {}
}
