package dev.sandboxjobs.junit5;

import dev.sandboxjobs.engine.Sandbox;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One sandbox in a JUnit store: destroyed when JUnit closes the store at the end of its scope.
 * Implements both of JUnit's closing contracts (CloseableResource before 5.13, AutoCloseable
 * after); closing twice does nothing.
 */
@SuppressWarnings("deprecation")
final class SandboxResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final Sandbox sandbox;
    private final AtomicBoolean closed = new AtomicBoolean();

    SandboxResource(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                sandbox.destroy();
            } finally {
                sandbox.close();
            }
        }
    }
}
