package dev.sandboxjobs.engine.internal.sandbox;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live work that keeps one sandbox awake while it lasts: an open file watch (a bucket mount's
 * included), an open preview connection. The idle sleeper does not stop a held sandbox.
 */
final class ActivityHolds {
    private final AtomicInteger count = new AtomicInteger();

    /** A hold, released by {@link Hold#close()} (safe twice). */
    Hold hold() {
        count.incrementAndGet();
        return new Hold(count);
    }

    /** Whether any hold is open. */
    boolean held() {
        return count.get() > 0;
    }

    /** One hold on a sandbox. */
    public static final class Hold implements AutoCloseable {
        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();

        private Hold(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
