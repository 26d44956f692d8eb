package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a sandbox was last used and how many calls are in flight: what decides that it may sleep.
 * The time is recorded in the database at most once a second (and by {@link #heartbeat} during a
 * long call), so that another engine on the same database sees it.
 */
final class Activity {
    private static final Logger LOG = LoggerFactory.getLogger(Activity.class);

    private final String sandboxId;
    private final SandboxRepository repo;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Live work besides calls (see {@link LiveWork}). */
    final ActivityHolds holds = new ActivityHolds();
    private volatile long last;
    private volatile long lastPersisted;

    Activity(String sandboxId, SandboxRepository repo, Clock clock, long lastActivityAt) {
        this.sandboxId = sandboxId;
        this.repo = repo;
        this.clock = clock;
        this.last = lastActivityAt;
        this.lastPersisted = lastActivityAt;
    }

    /** A call starts. */
    void enter() {
        inFlight.incrementAndGet();
    }

    /** A call ended. */
    void exit() {
        inFlight.decrementAndGet();
    }

    boolean busy() {
        return inFlight.get() > 0;
    }

    long last() {
        return last;
    }

    /** Records activity now (in the database at most once a second). */
    void touch() {
        long now = clock.millis();
        last = now;
        if (now - lastPersisted >= 1000) {
            lastPersisted = now;
            try {
                repo.touch(sandboxId, now);
            } catch (RuntimeException e) {
                LOG.debug("Could not record activity of sandbox {}", sandboxId, e);
            }
        }
    }

    /**
     * Records activity now if a call is in flight, so that another engine on the same database
     * does not put the sandbox to sleep in the middle of a long command.
     */
    void heartbeat() {
        if (busy()) {
            long now = clock.millis();
            last = now;
            lastPersisted = now;
            repo.touch(sandboxId, now);
        }
    }
}
